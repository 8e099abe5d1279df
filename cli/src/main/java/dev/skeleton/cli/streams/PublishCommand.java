package dev.skeleton.cli.streams;

import dev.skeleton.avro.TaskSkeleton;
import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.CliException;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.cli.SkeletonLocator;
import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SkeletonFiles;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code skeleton publish}: puts skeletons on the registry topic, where every running service instance picks them
 * up, builds them and swaps them in. Each is validated against the base model here first, so a skeleton that no
 * instance could serve is refused with its reasons before anything is written.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish task skeletons to the registry topic (key: task id; value: Avro single-object "
                + "TaskSkeleton). Running services swap them in live. A version not newer than the task's latest "
                + "on the topic is refused (see --as-version).",
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

    @Option(names = "--as-version", paramLabel = "N",
            description = "Publish under this version instead of the file's (one TASK|PATH only): e.g. to roll back to"
                    + " an older skeleton, publish it as a version newer than the serving one.")
    private Long asVersion;

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
        List<Found> found = withVersion(read());
        validate(found);
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryClient registry = new RegistryClient(config)) {
            registry.ensureTopic();
            refuseNotNewer(found, registry);
            for (Found f : found) {
                TaskSkeleton s = f.skeleton();
                RecordMetadata m = registry.publish(s);
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

    private List<Found> withVersion(List<Found> found) {
        if (asVersion == null) {
            return found;
        }
        if (found.size() != 1) {
            throw new ParameterException(spec.commandLine(),
                    "--as-version applies to one TASK|PATH, got " + found.size());
        }
        if (asVersion < 1 || asVersion > SkeletonValidator.MAX_VERSION) {
            throw new ParameterException(spec.commandLine(), "--as-version must be in [1, "
                    + SkeletonValidator.MAX_VERSION + "], got " + asVersion);
        }
        Found f = found.get(0);
        return List.of(new Found(f.file(), TaskSkeleton.newBuilder(f.skeleton()).setVersion(asVersion).build()));
    }

    /**
     * Refuses the whole call if a skeleton is not newer than its task's latest on the registry: running services
     * would ignore it, but it would replace the newer one on the compacted topic, so instances started later would
     * serve it and the instances would disagree.
     */
    private static void refuseNotNewer(List<Found> found, RegistryClient registry) {
        Map<String, Long> published = registry.publishedVersions();
        List<String> refusals = new ArrayList<>();
        for (Found f : found) {
            Long current = published.get(f.skeleton().getTaskId());
            if (current != null && f.skeleton().getVersion() <= current) {
                refusals.add(f.name() + " is not newer than v" + current + " on " + registry.topic()
                        + " (publish it with --as-version " + (current + 1) + " to make it the serving one)");
            }
        }
        if (!refusals.isEmpty()) {
            throw new CliException("nothing published: " + String.join(" | ", refusals) + "; running services ignore"
                    + " a version that is not newer, and replacing the newer one on the compacted topic would make"
                    + " instances started later serve another version than the running ones");
        }
    }

    private static boolean looksLikePath(String source) {
        return source.endsWith(".avro") || source.contains("/") || source.contains("\\");
    }

    /**
     * Refuses the whole call, naming every problem of every skeleton, if any cannot run on its base (the one
     * {@link BaseModelOptions#loadFor} picks; each base loaded once).
     */
    private void validate(List<Found> found) {
        Map<String, BaseModel> bases = new HashMap<>();
        List<String> refusals = new ArrayList<>();
        for (Found f : found) {
            BaseModel base = bases.computeIfAbsent(f.skeleton().getBaseModel().getName(),
                    name -> baseModel.loadFor(f.skeleton()));
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
