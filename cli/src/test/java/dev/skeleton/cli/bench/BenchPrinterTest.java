package dev.skeleton.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPrinterTest {

    private static final BenchReport REPORT = new BenchReport("all-MiniLM-L6-v2", BenchSettings.quick(2, 20),
            "test sentences", 24.5,
            List.of(new BenchResult("full", "single", "fp32", true, 1.0, 1.0, 8, 200, 190, 210, 1.0, 10, 40),
                    new BenchResult("skeleton", "siamese", "int8", false, 0.3, 0.5, 8, 300, 280, 310, 1.5, 10, 40)),
            new MemoryResult("fp32", true, 8, 0.3, 500, 580, 4.0, 86.0, 0.0, 1.5, 120.0));

    @Test
    void shouldWriteOneJsonObjectPerRowThenMemory() throws Exception {
        List<String> lines = print(true).lines().toList();

        assertThat(lines).hasSize(3);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode skeleton = mapper.readTree(lines.get(1));
        assertThat(skeleton.get("variant").asText()).isEqualTo("skeleton");
        assertThat(skeleton.get("input").asText()).isEqualTo("siamese");
        assertThat(skeleton.get("precision").asText()).isEqualTo("int8");
        assertThat(skeleton.get("prepack_weights").asBoolean()).isFalse();
        assertThat(skeleton.get("head_keep").asDouble()).isEqualTo(0.5);
        assertThat(skeleton.get("keep").asDouble()).isEqualTo(0.3);
        assertThat(skeleton.get("batch").asInt()).isEqualTo(8);
        assertThat(skeleton.get("seq_per_s").asDouble()).isEqualTo(300);
        assertThat(skeleton.get("speedup").asDouble()).isEqualTo(1.5);
        assertThat(skeleton.get("threads").asInt()).isEqualTo(2);
        assertThat(skeleton.get("prompt_length").asInt()).isEqualTo(20);
        assertThat(skeleton.get("mean_tokens").asDouble()).isEqualTo(24.5);
        assertThat(skeleton.get("reps").asInt()).isEqualTo(3);

        JsonNode memory = mapper.readTree(lines.get(2));
        assertThat(memory.get("variant").asText()).isEqualTo("memory");
        assertThat(memory.get("tasks").asInt()).isEqualTo(8);
        assertThat(memory.get("prepack_weights").asBoolean()).isTrue();
        assertThat(memory.get("rss_per_task_mib").asDouble()).isEqualTo(10.0);
        assertThat(memory.get("owned_mib").asDouble()).isEqualTo(4.0);
        assertThat(memory.get("ratio").asDouble()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void shouldPrintTableRowPerVariantAndMemoryLine() {
        String table = print(false);

        assertThat(table).contains("variant", "speedup")
                .containsPattern("full\\s+single\\s+fp32\\s+packed\\s+1\\.00\\s+1\\.00\\s+8\\s+200\\.0\\s+1\\.00")
                .containsPattern(
                        "skeleton\\s+siamese\\s+int8\\s+unpacked\\s+0\\.30\\s+0\\.50\\s+8\\s+300\\.0\\s+1\\.50")
                .contains("+10.0 MiB RSS per task", "4.0 MiB", "2.50");
    }

    private static String print(boolean json) {
        StringWriter out = new StringWriter();
        if (json) {
            BenchPrinter.jsonLines(REPORT, new PrintWriter(out));
        } else {
            BenchPrinter.table(REPORT, new PrintWriter(out));
        }
        return out.toString();
    }
}
