package dev.skeleton.cli.streams;

import dev.skeleton.cli.BaseModelOptions;
import dev.skeleton.cli.SkeletonCli;
import dev.skeleton.streams.SkeletonStreamsApp;
import dev.skeleton.streams.StreamsAppConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skeleton run}: the Kafka Streams service, until Ctrl-C or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the streaming service: label requests from the input topics with the skeletons "
                + "published on the registry topic, until Ctrl-C.",
                "Settings (streams-app/README.md) come from --config FILE, then KEY=VALUE arguments; kafka.* keys go "
                        + "to Kafka Streams, e.g. kafka.num.stream.threads=2."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServiceConfigOptions service;

    @Mixin
    private BaseModelOptions baseModel;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*",
            description = "Service settings, e.g. input.topics=reviews batch.max.size=16 (override --config).")
    private List<String> settings = List.of();

    @Override
    public Integer call() {
        StreamsAppConfig config = service.build(spec, ServiceConfigOptions.keyValues(spec, settings));
        // a long-running service: its operator wants to see tasks load, swap and fail, which the other
        // commands keep quiet; set before the service's first logger exists, so slf4j-simple still reads it
        System.setProperty("org.slf4j.simpleLogger.log.dev.skeleton", "info");
        // --base-model, when given, overrides engine.base.models
        SkeletonStreamsApp.run(config, baseModel.isSet() ? List.of(baseModel.load()) : config.loadBaseModels());
        return SkeletonCli.OK;
    }
}
