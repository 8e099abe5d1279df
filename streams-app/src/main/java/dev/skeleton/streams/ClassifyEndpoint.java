package dev.skeleton.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier.Labeled;
import dev.skeleton.streams.classify.TaskClassifier.Refused;
import dev.skeleton.streams.serde.JsonRequests;
import dev.skeleton.streams.serde.RequestFormatException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /classify}: one request in the JSON request format (the record value format of the input topics), one
 * result back, through the same batcher, classifier and workers as the stream ({@link DirectClassifier}). Answers:
 * <ul>
 *   <li>200 and the result (label, probabilities, skeleton version, base-model fingerprint, timings);</li>
 *   <li>400 for a body that is not a request, or one that names no task; 413 for a body over the size limit;</li>
 *   <li>404 for a task that no skeleton serves; 422 for an empty or oversized text;</li>
 *   <li>503 (with {@code Retry-After}) when {@code batch.queue.capacity} requests are already waiting; 500 when
 *       inference failed.</li>
 * </ul>
 * Every error body is {@code {"error": reason, "kind": ...}}, the reason in the words the dead-letter topic uses.
 */
final class ClassifyEndpoint {

    static final String PATH = "/classify";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Room for an id, a task and metadata around the texts. */
    private static final int ENVELOPE_BYTES = 64 * 1024;

    private final DirectClassifier classifier;
    private final ServiceMetrics metrics;
    private final int maxTextChars;
    private final long maxBodyBytes;

    ClassifyEndpoint(DirectClassifier classifier, ServiceMetrics metrics, int maxTextChars) {
        this.classifier = classifier;
        this.metrics = metrics;
        this.maxTextChars = maxTextChars;
        // two texts of max.text.chars characters, up to 4 UTF-8 bytes each (after JSON escaping, 6: be generous)
        this.maxBodyBytes = 2L * 6 * maxTextChars + ENVELOPE_BYTES;
    }

    /** Reads the body (never more than the limit) on the event loop, then classifies. */
    void handle(HttpServerRequest request) {
        long received = System.nanoTime();
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        request.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                tooLarge[0] = true;
                error(request, 413, "TEXT_TOO_LONG", "request body over " + maxBodyBytes + " bytes (texts are limited "
                        + "to max.text.chars=" + maxTextChars + " characters each)");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!tooLarge[0]) {
                classify(request, body.getBytes(), received);
            }
        });
    }

    private void classify(HttpServerRequest request, byte[] body, long received) {
        ClassificationRequest parsed;
        try {
            parsed = JsonRequests.read(body);
        } catch (RequestFormatException e) {
            error(request, 400, DeadLetterKind.UNPARSEABLE.name(), e.getMessage());
            return;
        }
        if (parsed.getTask() == null || parsed.getTask().isBlank()) {
            error(request, 400, DeadLetterKind.NO_TASK.name(), "request '" + parsed.getId() + "' names no task");
            return;
        }
        Refused textProblem = TextChecks.problem(parsed, maxTextChars);
        if (textProblem != null) {
            error(request, 422, textProblem.kind().name(), textProblem.reason());
            return;
        }
        String task = parsed.getTask();
        // the answer comes on a batcher or worker thread; a response is written on its request's own context
        Context context = Vertx.currentContext();
        classifier.classify(task, new TextInput(parsed.getText(), parsed.getTextPair())).whenComplete((r, e) ->
                context.runOnContext(v -> respond(request, parsed, r, e, received)));
    }

    private void respond(HttpServerRequest request, ClassificationRequest parsed, BatchResult result,
            Throwable failure, long received) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RejectedExecutionException) {
                request.response().putHeader("Retry-After", "1");
                error(request, 503, "OVERLOADED", cause.getMessage());
            } else {
                error(request, 500, DeadLetterKind.INFERENCE_FAILED.name(), cause.toString());
            }
            return;
        }
        if (result.outcome() instanceof Refused refused) {
            int status = switch (refused.kind()) {
                case UNKNOWN_TASK, NO_TASK -> 404;
                case INFERENCE_FAILED -> 500;
                default -> 422;
            };
            error(request, status, refused.kind().name(), "request '" + parsed.getId() + "': " + refused.reason());
            return;
        }
        Labeled labeled = (Labeled) result.outcome();
        Classification c = labeled.classification();
        metrics.labeled(parsed.getTask(), c.label(), result.queueMs(), (System.nanoTime() - received) / 1e6);
        ObjectNode body = JSON.createObjectNode()
                .put("requestId", parsed.getId())
                .put("task", parsed.getTask())
                .put("label", c.label());
        ObjectNode probabilities = body.putObject("probabilities");
        for (int i = 0; i < c.labels().size(); i++) {
            probabilities.put(c.labels().get(i), c.probabilities()[i]);
        }
        body.put("skeletonVersion", labeled.skeletonVersion())
                .put("baseModel", labeled.baseModel())
                .put("baseModelFingerprint", labeled.baseModelFingerprint());
        body.putObject("timings").put("queueMs", result.queueMs()).put("inferenceMs", labeled.inferenceMs())
                .put("batchSize", result.batchSize());
        request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body.toString());
    }

    private static void error(HttpServerRequest request, int status, String kind, String reason) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(JSON.createObjectNode().put("error", reason).put("kind", kind).toString());
    }
}
