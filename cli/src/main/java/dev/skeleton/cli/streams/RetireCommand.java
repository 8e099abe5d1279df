package dev.skeleton.cli.streams;

import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.engine.skeleton.SkeletonValidator;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.PrintWriter;
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
 * {@code skeleton retire}: writes a tombstone for each task to the registry topic. Running services stop serving
 * the task (its requests become dead letters), and compaction eventually removes the task's skeleton.
 */
@Command(name = "retire", mixinStandardHelpOptions = true,
        description = {"Retire tasks: write a tombstone (null value) under each task id on the registry topic. "
                + "Running services stop serving them; their requests go to the dead-letter topic."})
public final class RetireCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServiceConfigOptions service;

    @Option(names = "--registry-topic", paramLabel = "TOPIC",
            description = "Registry topic (default: registry.topic of --config, else skeleton.tasks).")
    private String registryTopic;

    @Parameters(paramLabel = "TASK", arity = "1..*", description = "Task ids to retire.")
    private List<String> tasks;

    @Override
    public Integer call() {
        for (String task : tasks) {
            if (!SkeletonValidator.TASK_ID.matcher(task).matches()) {
                throw new ParameterException(spec.commandLine(), "task '" + task + "' must match "
                        + SkeletonValidator.TASK_ID.pattern());
            }
        }
        StreamsAppConfig config = service.build(spec, registryTopic == null ? Map.of()
                : Map.of(StreamsAppConfig.REGISTRY_TOPIC, registryTopic));
        PrintWriter out = spec.commandLine().getOut();
        try (RegistryClient registry = new RegistryClient(config)) {
            // a tombstone sent to a missing topic could auto-create it uncompacted; create it as the service would
            registry.ensureTopic();
            for (String task : tasks) {
                RecordMetadata m = registry.send(task, null);
                out.printf("retired '%s': tombstone on %s (partition %d, offset %d)%n", task, m.topic(),
                        m.partition(), m.offset());
            }
        }
        return SkeletonCli.OK;
    }
}
