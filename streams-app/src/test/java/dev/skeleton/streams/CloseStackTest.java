package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseStackTest {

    @Test
    void shouldCloseInReverseOrderWithinOneDeadlineAndGoOnPastAFailure() {
        // Given three components opened in order, the middle one failing to close
        List<String> closed = new ArrayList<>();
        List<Duration> given = new ArrayList<>();
        CloseStack stack = new CloseStack();
        stack.push("first", timeout -> {
            closed.add("first");
            given.add(timeout);
        });
        stack.push("second", timeout -> {
            closed.add("second");
            throw new IllegalStateException("cannot close");
        });
        stack.push("third", timeout -> {
            closed.add("third");
            given.add(timeout);
            Thread.sleep(50);
        });

        // When all are closed within 10 s
        stack.closeAll(Duration.ofSeconds(10));

        // Then last opened closes first, the failure stops nothing, and each step gets what is left of the deadline
        assertThat(closed).containsExactly("third", "second", "first");
        assertThat(given.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(given.get(1)).isLessThanOrEqualTo(given.get(0).minusMillis(50));

        // and a second close finds nothing left to close
        stack.closeAll(Duration.ofSeconds(10));
        assertThat(closed).hasSize(3);
    }
}
