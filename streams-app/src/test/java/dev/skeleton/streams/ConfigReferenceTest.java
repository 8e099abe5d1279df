package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md's configuration reference is the one generated from the code. After changing a key, regenerate it with
 * {@code mvn -pl streams-app test -Dtest=ConfigReferenceTest -Dreadme.update=true}.
 */
class ConfigReferenceTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldMatchTheReferenceInTheReadme() throws IOException {
        String readme = Files.readString(README);
        int begin = readme.indexOf(ConfigReference.BEGIN);
        int end = readme.indexOf(ConfigReference.END);
        assertThat(begin).as("README.md has the line " + ConfigReference.BEGIN).isNotNegative();
        assertThat(end).as("README.md has the line " + ConfigReference.END + " after the begin line")
                .isGreaterThan(begin);
        String inReadme = readme.substring(begin + ConfigReference.BEGIN.length() + 1, end);
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("readme.update") && !inReadme.equals(generated)) {
            Files.writeString(README, readme.substring(0, begin + ConfigReference.BEGIN.length() + 1) + generated
                    + readme.substring(end));
            return;
        }
        assertThat(inReadme).as("README.md's configuration reference is stale; regenerate it with mvn -pl streams-app"
                + " test -Dtest=ConfigReferenceTest -Dreadme.update=true").isEqualTo(generated);
    }

    @Test
    void shouldListEveryKeyWithItsDefault() {
        String table = ConfigReference.markdown();
        for (String key : StreamsAppConfig.configDef().names()) {
            assertThat(table).as("reference row of " + key).contains("| `" + key + "` |");
        }
        assertThat(table).contains("| `bootstrap.servers` | list | (required) |", "| `batch.max.size` | int | `32` |");
    }
}
