package dev.skeleton.streams;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * The configuration reference of README.md, generated from {@link StreamsAppConfig#configDef()} so that it cannot
 * drift from the code: a test compares the two (and rewrites README.md's copy when asked, see ConfigReferenceTest).
 */
public final class ConfigReference {

    /** README.md's generated part lies between these lines. */
    public static final String BEGIN = "<!-- config-reference:begin (generated from StreamsAppConfig; do not edit) -->";
    public static final String END = "<!-- config-reference:end -->";

    private ConfigReference() {}

    /** A Markdown table: key, type, default, valid values, meaning; in declaration order. */
    public static String markdown() {
        ConfigDef def = StreamsAppConfig.configDef();
        List<String> rows = def.configKeys().values().stream().map(ConfigReference::row).toList();
        return "| key | type | default | valid values | meaning |\n|---|---|---|---|---|\n"
                + rows.stream().collect(Collectors.joining("\n")) + "\n";
    }

    private static String row(ConfigKey key) {
        String defaultValue = !key.hasDefault() ? "(required)"
                : key.name.equals(StreamsAppConfig.ENGINE_THREADS) ? "1, or cores (see meaning)"
                : key.defaultValue == null ? "unset"
                : "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`";
        String valid = key.validator == null ? "" : key.validator.toString();
        return "| `" + key.name + "` | " + key.type.name().toLowerCase() + " | " + cell(defaultValue) + " | "
                + cell(valid) + " | " + cell(key.documentation) + " |";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
