package dev.skeleton.builder.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skeleton.engine.text.TextInput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    /** 1,000 examples: 700 of label 0, 250 of label 1, 50 of label 2. */
    private static List<LabeledExample> examples() {
        List<LabeledExample> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(new LabeledExample(TextInput.of("text " + i), i < 700 ? 0 : i < 950 ? 1 : 2, i + 2));
        }
        return all;
    }

    @Test
    void shouldHoldOutAStratifiedShareDisjointFromTraining() {
        ValidationSplit split = ValidationSplit.of(examples(), 0, 0.15, 8, 1000, 42);

        assertThat(split.validation()).hasSize(150);
        assertThat(split.train()).hasSize(850);
        assertThat(split.validation().stream().filter(e -> e.label() == 0)).as("label 0 keeps its 70%").hasSize(105);
        assertThat(split.validation().stream().filter(e -> e.label() == 1))
                .as("ties of the remainder go to the lower label").hasSize(38);
        assertThat(split.validation().stream().filter(e -> e.label() == 2)).hasSize(7);
        HashSet<Long> lines = new HashSet<>();
        split.train().forEach(e -> lines.add(e.line()));
        split.validation().forEach(e -> assertThat(lines.add(e.line())).as("line %d in both parts", e.line()).isTrue());
        assertThat(lines).hasSize(1000);
    }

    @Test
    void shouldBeTheSameForTheSameSeedAndDifferForAnother() {
        assertThat(ValidationSplit.of(examples(), 0, 0.15, 8, 1000, 1))
                .isEqualTo(ValidationSplit.of(examples(), 0, 0.15, 8, 1000, 1))
                .isNotEqualTo(ValidationSplit.of(examples(), 0, 0.15, 8, 1000, 2));
    }

    @Test
    void shouldKeepWithinItsBoundsAndNeverTakeMoreThanHalf() {
        assertThat(ValidationSplit.of(examples(), 0, 0.15, 8, 100, 42).validation()).hasSizeBetween(99, 101);
        assertThat(ValidationSplit.of(examples().subList(0, 10), 0, 0.15, 8, 100, 42).validation()).hasSize(5);
        assertThatThrownBy(() -> ValidationSplit.of(examples().subList(0, 3), 0, 0.15, 8, 100, 42))
                .hasMessageContaining("need at least 4 training examples");
    }

    @Test
    void shouldUseAtMostTheExamplesAskedForValidationIncluded() {
        ValidationSplit split = ValidationSplit.of(examples(), 400, 0.15, 8, 1000, 42);

        assertThat(split.validation()).as("15%% of the 400 used").hasSize(60);
        assertThat(split.train()).hasSize(340);
    }

    @Test
    void shouldHoldOutOnlyExamplesNoOtherContainsAndLeaveTheirPartsOutOfTraining() {
        // phrases of sentences, as SST-2's training file holds them: a sentence, its phrases, and repeated rows
        List<LabeledExample> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int label = i % 2;
            String sentence = "sentence " + i + " is a whole and rather long one";
            all.add(example(sentence, label));
            all.add(example("sentence " + i + " is", label));
            all.add(example("a whole and rather long one", label));
            all.add(example("rather", label));
        }
        // a repeated row (so never held out) that is inside the sentences as characters, not as a word
        all.add(example("rathe", 0));
        all.add(example("rathe", 0));

        ValidationSplit split = ValidationSplit.of(all, 0, 0.15, 8, 1000, 42);

        assertThat(split.validation()).hasSize(120).allSatisfy(e -> assertThat(e.input().text())
                .as("only whole sentences: every phrase and the repeated row is inside another example")
                .endsWith("rather long one").startsWith("sentence "));
        for (LabeledExample held : split.validation()) {
            String number = held.input().text().split(" ")[1];
            assertThat(split.train()).as("no part of validation sentence %s is trained on", number)
                    .noneSatisfy(e -> assertThat(" " + held.input().text() + " ").contains(" " + e.input().text()
                            + " "));
        }
        assertThat(split.train()).as("inside as whole words, not as characters")
                .filteredOn(e -> e.input().text().equals("rathe")).hasSize(2);
        assertThat(split.leftOut()).as("each held sentence's own phrase, and every copy of the phrases all share")
                .isEqualTo(120 + 200 + 200);
        assertThat(split.train()).hasSize(all.size() - 120 - split.leftOut());
    }

    private static LabeledExample example(String text, int label) {
        return new LabeledExample(TextInput.of(text), label, 0);
    }
}
