import dev.skeleton.builder.data.*;
import java.nio.file.Path;
import java.util.*;
/**
 * The validation split a build would hold out of a training file: its size, the training examples left, those left out
 * as parts of validation examples, the time it took and the median words of a validation example.
 *
 * <pre>
 * java -cp builder/target/classes:cli/target/skeleton-cli.jar docs/experiments/ValidationSplitStats.java \
 *     ../shared/datasets/glue/SST-2/train.tsv 20000
 * </pre>
 */
public class ValidationSplitStats {
    public static void main(String[] a) throws Exception {
        ColumnSpec spec = new ColumnSpec("sentence", null, "label", List.of("negative", "positive"), true);
        DatasetReader.Dataset d = DatasetReader.read(Path.of(a[0]), spec);
        long t = System.nanoTime();
        ValidationSplit s = ValidationSplit.of(d.examples(), Integer.parseInt(a[1]), 0.15, 8, 1000, 42);
        System.out.printf("%d examples: validation %d, train %d, left out %d, %.1f s%n", d.examples().size(), s.validation().size(), s.train().size(), s.leftOut(), (System.nanoTime() - t) / 1e9);
        double words = s.validation().stream().mapToInt(e -> e.input().text().split(" ").length).sorted().toArray()[s.validation().size() / 2];
        System.out.println("median words in validation: " + words);
    }
}
