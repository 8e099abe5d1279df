package dev.skeleton.builder;

import dev.skeleton.builder.data.ColumnSpec;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The small GLUE samples under src/test/resources/data. */
public final class TestData {

    public static final ColumnSpec SST2 = new ColumnSpec("sentence", null, "label", List.of("negative", "positive"),
            true);

    private TestData() {}

    public static Path file(String name) {
        try {
            return Path.of(TestData.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
