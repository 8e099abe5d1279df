package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.LabelProbability;
import dev.skeleton.avro.Timings;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.DeadLetters.Source;
import dev.skeleton.streams.TaskClassifier.Labeled;
import dev.skeleton.streams.TaskClassifier.Outcome;
import dev.skeleton.streams.TaskClassifier.Refused;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Labels one request per call, synchronously: decides the task, checks the text, asks the {@link TaskClassifier},
 * and forwards either a result or a dead letter. Every failure of a single record becomes a dead letter; nothing a
 * record contains can stop the stream thread.
 */
final class ClassifyProcessor implements Processor<byte[], ParsedRequest, byte[], Routed> {

    private final TaskClassifier classifier;
    private final TaskResolver tasks;
    private final int maxTextChars;
    private ProcessorContext<byte[], Routed> context;

    ClassifyProcessor(TaskClassifier classifier, TaskResolver tasks, int maxTextChars) {
        this.classifier = classifier;
        this.tasks = tasks;
        this.maxTextChars = maxTextChars;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], ParsedRequest> record) {
        long arrivedNanos = System.nanoTime();
        Source source = source();
        if (record.value() instanceof ParsedRequest.Unparseable bad) {
            deadLetter(record, DeadLetterKind.UNPARSEABLE, bad.reason(), source, null);
            return;
        }
        ClassificationRequest request = ((ParsedRequest.Valid) record.value()).request();
        Optional<String> task = tasks.resolve(request, record.headers(), source.topic());
        if (task.isEmpty()) {
            deadLetter(record, DeadLetterKind.NO_TASK, "request '" + request.getId() + "' names no task, has no '"
                    + TaskResolver.TASK_HEADER + "' header, and topic '" + source.topic()
                    + "' has no entry in topic.task.mapping", source, null);
            return;
        }
        String taskId = task.get();
        Refused textProblem = checkText(request);
        if (textProblem != null) {
            deadLetter(record, textProblem.kind(), textProblem.reason(), source, taskId);
            return;
        }
        TextInput input = new TextInput(request.getText(), request.getTextPair());
        double queueMs = (System.nanoTime() - arrivedNanos) / 1e6;
        Outcome outcome;
        try {
            outcome = classifier.classify(taskId, input);
        } catch (RuntimeException e) {
            // a classifier should answer Refused itself; this keeps the stream alive if one does not
            outcome = new Refused(DeadLetterKind.INFERENCE_FAILED, "task '" + taskId + "' failed: " + e);
        }
        if (outcome instanceof Refused refused) {
            deadLetter(record, refused.kind(), "request '" + request.getId() + "': " + refused.reason(), source,
                    taskId);
        } else {
            Labeled labeled = (Labeled) outcome;
            context.forward(record.withValue(new Routed.Labeled(result(request, taskId, labeled, queueMs))));
        }
    }

    /** Empty and oversized texts are refused before they cost inference (and are never truncated silently). */
    private Refused checkText(ClassificationRequest request) {
        String[][] parts = request.getTextPair() == null
                ? new String[][] {{"text", request.getText()}}
                : new String[][] {{"text", request.getText()}, {"textPair", request.getTextPair()}};
        for (String[] part : parts) {
            if (part[1].isBlank()) {
                return new Refused(DeadLetterKind.EMPTY_TEXT, "request '" + request.getId() + "': " + part[0]
                        + " is empty");
            }
            if (part[1].length() > maxTextChars) {
                return new Refused(DeadLetterKind.TEXT_TOO_LONG, "request '" + request.getId() + "': " + part[0]
                        + " has " + part[1].length() + " characters, more than max.text.chars=" + maxTextChars);
            }
        }
        return null;
    }

    private static ClassificationResult result(ClassificationRequest request, String taskId, Labeled labeled,
            double queueMs) {
        Classification c = labeled.classification();
        List<LabelProbability> probabilities = new ArrayList<>(c.labels().size());
        for (int i = 0; i < c.labels().size(); i++) {
            probabilities.add(new LabelProbability(c.labels().get(i), c.probabilities()[i]));
        }
        return ClassificationResult.newBuilder()
                .setRequestId(request.getId())
                .setTask(taskId)
                .setLabel(c.label())
                .setProbabilities(probabilities)
                .setSkeletonVersion(labeled.skeletonVersion())
                .setBaseModelFingerprint(labeled.baseModelFingerprint())
                .setTimings(new Timings(queueMs, labeled.inferenceMs(), 1))
                .setMetadata(new LinkedHashMap<>(request.getMetadata()))
                .build();
    }

    private void deadLetter(Record<byte[], ParsedRequest> record, DeadLetterKind kind, String reason, Source source,
            String task) {
        DeadLetters.log(kind, reason, source, task);
        byte[] value = record.value() == null ? null : record.value().raw();
        context.forward(record
                .withValue((Routed) new Routed.DeadLetter(value))
                .withHeaders(DeadLetters.headers(record.headers(), kind, reason, source, task)));
    }

    private Source source() {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return meta.map(m -> new Source(m.topic(), m.partition(), m.offset()))
                .orElse(new Source("unknown", -1, -1));
    }
}
