package dev.skeleton.cli.streams;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.CliException;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.cli.SkeletonLocator;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.streams.SkeletonSerdes;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code skeleton publish}: puts skeletons on the registry topic, where every running service instance picks them
 * up, builds them and swaps them in. Each is validated against the base model here first, so a skeleton that no
 * instance could serve is refused with its reasons before anything is written.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish task skeletons to the registry topic (key: task id; value: Avro single-object "
                + "TaskSkeleton). Running services swap them in live; an older or equal version is ignored there.",
                "A TASK is ROOT/skeletons/TASK/skeleton.avro, else ROOT/prompts/TASK/prompt.avro; a PATH is a "
                        + "skeleton .avro file. All are validated first; if any is invalid, none is published."})
public final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServiceConfigOptions service;

    @Option(names = "--registry-topic", paramLabel = "TOPIC",
            description = "Registry topic (default: registry.topic of --config, else skeleton.tasks); created "
                    + "compacted if missing.")
    private String registryTopic;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "Project root holding prompts/ and skeletons/ (default: ${DEFAULT-VALUE}).")
    private Path root;

    @Mixin
    private BaseModelOptions baseModel;

    @Parameters(paramLabel = "TASK|PATH", arity = "1..*", description = "Tasks under --root, or skeleton files.")
    private List<String> sources;

    /** A skeleton read from disk, and where from. */
    private record Found(Path file, TaskSkeleton skeleton) {
        String name() {
            return "'" + skeleton.getTaskId() + "' v" + skeleton.getVersion();
        }
    }

    @Override
    public Integer call() {
        StreamsAppConfig config = service.build(spec, registryTopic == null ? Map.of()
                : Map.of(StreamsAppConfig.REGISTRY_TOPIC, registryTopic));
        List<Found> found = read();
        validate(found, baseModel.load());
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryClient registry = new RegistryClient(config)) {
            registry.ensureTopic();
            for (Found f : found) {
                TaskSkeleton s = f.skeleton();
                RecordMetadata m = registry.send(s.getTaskId(),
                        SkeletonSerdes.skeletonSerializer().serialize(registry.topic(), s));
                out.printf("published %s from %s to %s (partition %d, offset %d)%n", f.name(), f.file(),
                        m.topic(), m.partition(), m.offset());
            }
        }
        return SkeletonCli.OK;
    }

    /** Every source read, each task at most once (two versions of one task in one call is surely a mistake). */
    private List<Found> read() {
        Map<String, Found> byTask = new LinkedHashMap<>();
        for (String source : sources) {
            Path file = looksLikePath(source) ? Path.of(source) : SkeletonLocator.locate(root, source);
            Found f = new Found(file, SkeletonFiles.read(file));
            Found before = byTask.putIfAbsent(f.skeleton().getTaskId(), f);
            if (before != null) {
                throw new CliException("task '" + f.skeleton().getTaskId() + "' given twice: " + before.file()
                        + " and " + file);
            }
        }
        return List.copyOf(byTask.values());
    }

    private static boolean looksLikePath(String source) {
        return source.endsWith(".avro") || source.contains("/") || source.contains("\\");
    }

    /** Refuses the whole call, naming every problem of every skeleton, if any cannot run on {@code base}. */
    private static void validate(List<Found> found, BaseModel base) {
        List<String> refusals = new ArrayList<>();
        for (Found f : found) {
            List<String> problems = SkeletonValidator.problems(f.skeleton(), base);
            if (!problems.isEmpty()) {
                refusals.add(f.name() + " (" + f.file() + "): " + String.join("; ", problems));
            }
        }
        if (!refusals.isEmpty()) {
            throw new CliException("nothing published: invalid skeleton " + String.join(" | invalid skeleton ",
                    refusals));
        }
    }
}
