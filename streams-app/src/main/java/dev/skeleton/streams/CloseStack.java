package dev.skeleton.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting service has opened, closed in the reverse order of opening within one deadline. The service
 * pushes each component as soon as it exists, so a start that fails half-way and an orderly stop take the same
 * path: whatever was opened is closed, and nothing else.
 */
final class CloseStack {

    private static final Logger log = LoggerFactory.getLogger(CloseStack.class);

    /** Closes one component within {@code timeout}, what is left of the deadline. */
    @FunctionalInterface
    interface Step {
        void close(Duration timeout) throws Exception;
    }

    private record Named(String name, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();

    /** Adds {@code step} to close {@code name} before everything pushed earlier. */
    synchronized void push(String name, Step step) {
        steps.push(new Named(name, step));
    }

    /**
     * Closes every component pushed so far, last pushed first, all within {@code timeout}. A step that fails is
     * logged and the rest are still closed. Each step runs once: the stack is empty afterwards.
     */
    void closeAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Named next;
        while ((next = pop()) != null) {
            try {
                next.step().close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while closing {}", next.name());
            } catch (Exception e) {
                log.warn("closing {} failed", next.name(), e);
            }
        }
    }

    private synchronized Named pop() {
        return steps.poll();
    }
}
