package dev.skeleton.cli.streams;

import dev.skeleton.streams.StreamsAppConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --bootstrap-server} and {@code --config FILE}: the streaming service's settings, shared by {@code run},
 * {@code publish} and {@code retire} so that one properties file serves all three. Precedence, later wins: the
 * files in order, the command's own settings ({@code key=value} arguments, {@code --registry-topic}), then
 * {@code --bootstrap-server}.
 */
public final class ServiceConfigOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka brokers, host:port[,host:port...] (overrides bootstrap.servers of --config).")
    private String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The service's .properties file (keys: streams-app/README.md); its kafka.* keys "
                    + "configure the Kafka clients (security etc.). Repeatable, later files win: e.g. settings "
                    + "from a ConfigMap, then credentials from a Secret.")
    private List<Path> files = List.of();

    /**
     * The checked configuration. A bad or missing value is a usage error whose one line names every problem
     * (key, value and rule), as {@link StreamsAppConfig} reports them.
     */
    public StreamsAppConfig build(CommandSpec spec, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            all.put(StreamsAppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        try {
            return StreamsAppConfig.fromFiles(files, all);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), oneLine(e.getMessage()));
        }
    }

    /** {@code key=value} arguments as a map, in order; anything else is a usage error. */
    public static Map<String, String> keyValues(CommandSpec spec, List<String> arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "'" + argument + "' is not a key=value setting");
            }
            settings.put(argument.substring(0, eq).strip(), argument.substring(eq + 1).strip());
        }
        return settings;
    }

    /** The config's report lists one problem per indented line; the command line shows them on one. */
    private static String oneLine(String message) {
        return message.strip().replaceFirst(":\\R\\s+", ": ").replaceAll("\\R\\s+", "; ");
    }
}
