package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.avro.ClassificationResult;
import dev.skeleton.avro.LabelProbability;
import dev.skeleton.avro.Timings;
import dev.skeleton.engine.runtime.Classification;
import dev.skeleton.engine.text.TextInput;
import dev.skeleton.streams.DeadLetters.Source;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier;
import dev.skeleton.streams.classify.TaskClassifier.Labeled;
import dev.skeleton.streams.classify.TaskClassifier.Refused;
import dev.skeleton.streams.serde.ParsedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decides each request's task, checks the fields its output would copy and its text, and hands it to a {@link
 * MicroBatcher} that labels it in a batch on
 * the inference workers; forwards each result or dead letter, in input order, once it is known.
 *
 * <p>Results are forwarded from three places, all on the stream thread: after each record, from a wall-clock
 * punctuation (so an idle stream still meets the batch delay), and from the {@link PreCommitHook} right before
 * Kafka Streams commits, which waits for every held request: an offset is never committed before its record's
 * output is forwarded. Every failure of a single record becomes a dead letter; nothing a record contains can stop
 * the stream thread.
 */
final class ClassifyProcessor implements Processor<byte[], ParsedRequest, byte[], Routed> {

    /** Name of the processor's {@link PreCommitHook} store. */
    static final String COMMIT_HOOK_STORE = "classify-pre-commit";

    private final TaskClassifier classifier;
    private final TaskResolver tasks;
    private final int maxTextChars;
    private final OutputLimits limits;
    private final BatchSettings batchSettings;
    private final InferenceWorkers workers;
    private final ServiceMetrics metrics;
    private DeferredForwarder<byte[], Routed> forwarder;
    private MicroBatcher<Pending> batcher;
    private ProcessorContext<byte[], Routed> context;

    /**
     * One request on its way through the batcher.
     *
     * @param record  the input record (key, headers and timestamp carry over to the output)
     * @param origin  the input's origin, restored when the output is forwarded
     * @param source  where it was read, for dead letters
     * @param request the parsed request, or null when unparseable
     * @param taskId  the decided task, or null when none could be decided
     */
    private record Pending(Record<byte[], ParsedRequest> record, DeferredForwarder.Origin origin, Source source,
            ClassificationRequest request, String taskId) {}

    ClassifyProcessor(TaskClassifier classifier, TaskResolver tasks, int maxTextChars, OutputLimits limits,
            BatchSettings batchSettings, InferenceWorkers workers, ServiceMetrics metrics) {
        this.classifier = classifier;
        this.tasks = tasks;
        this.maxTextChars = maxTextChars;
        this.limits = limits;
        this.batchSettings = batchSettings;
        this.workers = workers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
        this.forwarder = new DeferredForwarder<>(context);
        this.batcher = new MicroBatcher<>(batchSettings, classifier, workers, this::emit, metrics::batch);
        PreCommitHook hook = context.getStateStore(COMMIT_HOOK_STORE);
        hook.onCommit(batcher::flush);
        // bounded below by Kafka's poll.ms: the punctuation runs between polls
        context.schedule(Duration.ofMillis(batchSettings.tickMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> batcher.poll());
    }

    @Override
    public void process(Record<byte[], ParsedRequest> record) {
        metrics.arrived(System.currentTimeMillis() - record.timestamp());
        Source source = source();
        DeferredForwarder.Origin captured = forwarder.capture();
        long bytes = bytes(record);
        if (record.value() instanceof ParsedRequest.Unparseable bad) {
            batcher.addDecided(new Pending(record, captured, source, null, null),
                    new Refused(DeadLetterKind.UNPARSEABLE, bad.reason()), bytes);
            batcher.poll();
            return;
        }
        ClassificationRequest request = ((ParsedRequest.Valid) record.value()).request();
        Refused fieldProblem = FieldChecks.problem(request, limits);
        if (fieldProblem != null) {
            batcher.addDecided(new Pending(record, captured, source, request, null), fieldProblem, bytes);
            batcher.poll();
            return;
        }
        Optional<String> task = tasks.resolve(request, record.headers(), source.topic());
        Refused taskProblem = task.map(t -> FieldChecks.taskProblem(request, t)).orElse(null);
        if (taskProblem != null) {
            batcher.addDecided(new Pending(record, captured, source, request, null), taskProblem, bytes);
        } else if (task.isEmpty()) {
            batcher.addDecided(new Pending(record, captured, source, request, null),
                    new Refused(DeadLetterKind.NO_TASK, "request '" + request.getId() + "' names no task, has no '"
                            + TaskResolver.TASK_HEADER + "' header, and topic '" + source.topic()
                            + "' has no entry in topic.task.mapping"), bytes);
        } else {
            Pending pending = new Pending(record, captured, source, request, task.get());
            Refused textProblem = TextChecks.problem(request, maxTextChars);
            if (textProblem != null) {
                batcher.addDecided(pending, textProblem, bytes);
            } else {
                batcher.add(pending, task.get(), new TextInput(request.getText(), request.getTextPair()), bytes);
            }
        }
        batcher.poll();
    }

    /** The batcher's sink: one request's output, on the stream thread, in input order. */
    private void emit(Pending p, BatchResult r) {
        if (r.outcome() instanceof Labeled labeled) {
            ClassificationResult result = result(p.request(), p.taskId(), labeled, r);
            metrics.labeled(p.taskId(), labeled.classification().label(), r.queueMs(),
                    System.currentTimeMillis() - p.record().timestamp());
            metrics.orderWait(p.taskId(), (System.nanoTime() - r.readyNanos()) / 1e6);
            forwarder.forward(p.record().withValue(new Routed.Output(result)), p.origin());
            return;
        }
        Refused refused = (Refused) r.outcome();
        // refusals decided before inference (batch size 0) already name the request; the classifier's do not
        String reason = r.batchSize() == 0 ? refused.reason()
                : "request '" + p.request().getId() + "': " + refused.reason();
        DeadLetters.log(refused.kind(), reason, p.source(), p.taskId(), limits);
        metrics.deadLetter(refused.kind());
        DeadLetters.Letter letter = DeadLetters.letter(p.record().value() == null ? null : p.record().value().raw(),
                p.record().headers(), refused.kind(), reason, p.source(), p.taskId(), limits);
        forwarder.forward(p.record()
                .withValue((Routed) new Routed.DeadLetter(letter.value()))
                .withHeaders(letter.headers()), p.origin());
    }

    private static ClassificationResult result(ClassificationRequest request, String taskId, Labeled labeled,
            BatchResult batch) {
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
                .setBaseModel(labeled.baseModel())
                .setBaseModelFingerprint(labeled.baseModelFingerprint())
                .setTimings(new Timings(batch.queueMs(), labeled.inferenceMs(), batch.batchSize()))
                .setMetadata(new LinkedHashMap<>(request.getMetadata()))
                .build();
    }

    /**
     * What a held request costs in memory, about: its record's key, raw value and headers (kept for the output),
     * twice over when parsed (the decoded strings are UTF-16).
     */
    private static long bytes(Record<byte[], ParsedRequest> record) {
        long raw = (record.key() == null ? 0 : record.key().length)
                + (record.value() == null || record.value().raw() == null ? 0 : record.value().raw().length);
        for (Header h : record.headers()) {
            raw += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return record.value() instanceof ParsedRequest.Valid ? 3 * raw : raw;
    }

    private Source source() {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return meta.map(m -> new Source(m.topic(), m.partition(), m.offset()))
                .orElse(new Source("unknown", -1, -1));
    }
}
