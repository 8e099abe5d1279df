package dev.skeleton.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.skeleton.engine.runtime.Device;
import dev.skeleton.streams.StreamsAppConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * The files in {@code deploy/} name the same things several times: the jar the CLI module builds, the image names
 * of the root pom, the service's topics and HTTP port. This test reads them all and checks that they agree, with
 * each other and with the service's own settings ({@link StreamsAppConfig}), so that a change in one place that
 * is not made in the others fails the build instead of a deployment.
 */
class DeployManifestsTest {

    private static final Path ROOT = Path.of(System.getProperty("skeleton.root", "..")).toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final Path COMPOSE = DEPLOY.resolve("docker-compose.yml");
    private static final Path SERVICE_PROPERTIES = DEPLOY.resolve("service.properties");
    /** The lean service jar that streams-app/pom.xml builds and both Dockerfiles copy. */
    private static final String SERVICE_JAR = "streams-app/target/skeleton-service.jar";

    // ---- images ------------------------------------------------------------------------------------------------

    @Test
    void shouldUseTheRootPomImagesInComposeAndKubernetes() {
        String image = pomProperty("docker.image");
        String gpuImage = pomProperty("docker.image.gpu");
        assertThat(str(composeService("skeleton").get("image")))
                .as("image of service 'skeleton' in %s must be <docker.image> of the root pom", rel(COMPOSE))
                .isEqualTo(image);
        assertThat(str(container(deployment("deployment.yaml")).get("image")))
                .as("image of the Deployment in k8s/deployment.yaml must be <docker.image> of the root pom")
                .isEqualTo(image);
        assertThat(str(container(deployment("deployment-gpu.yaml")).get("image")))
                .as("image of the Deployment in k8s/deployment-gpu.yaml must be <docker.image.gpu> of the root pom")
                .isEqualTo(gpuImage);
    }

    @Test
    void shouldDocumentTheBuildOfEachImageUnderItsPomName() {
        assertThat(read(DEPLOY.resolve("Dockerfile")))
                .as("the build command in deploy/Dockerfile's header must tag <docker.image> of the root pom")
                .contains("-t " + pomProperty("docker.image") + " ");
        assertThat(read(DEPLOY.resolve("Dockerfile.gpu")))
                .as("the build command in deploy/Dockerfile.gpu's header must tag <docker.image.gpu> of the root pom")
                .contains("-t " + pomProperty("docker.image.gpu") + " ");
    }

    // ---- Dockerfiles -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
    void shouldCopyTheServiceJar(String name) {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve(name));
        assertThat(read(ROOT.resolve("streams-app/pom.xml"))).as("streams-app/pom.xml must build %s", SERVICE_JAR)
                .contains("<outputFile>${project.build.directory}/" + Path.of(SERVICE_JAR).getFileName()
                        + "</outputFile>");
        Copy copy = docker.copyOf(SERVICE_JAR);
        assertThat(copy).as("deploy/%s must COPY %s, the lean service jar", name, SERVICE_JAR).isNotNull();
        List<String> entrypoint = docker.execForm("ENTRYPOINT");
        assertThat(entrypoint).as("ENTRYPOINT of deploy/%s must run java -jar on the copied jar %s", name,
                copy.destination()).containsSubsequence("java", "-jar", copy.destination());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
    void shouldRunTheServiceWithTheBundledSettings(String name) {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve(name));
        List<String> cmd = docker.execForm("CMD");
        Copy settings = docker.copyOf("deploy/service.properties");
        assertThat(settings).as("deploy/%s must COPY deploy/service.properties", name).isNotNull();
        assertThat(settingsFiles(cmd))
                .as("CMD of deploy/%s must name the settings file where deploy/service.properties is copied", name)
                .startsWith(settings.destination());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
    void shouldRunAsANonRootUserAndExposeTheHttpPort(String name) {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve(name));
        String user = docker.last("USER");
        assertThat(user).as("deploy/%s must switch to a USER", name).isNotNull();
        assertThat(user.split(":")[0]).as("USER of deploy/%s must not be root", name).isNotIn("root", "0");
        assertThat(user.split(":")[0]).as("USER of deploy/%s must be numeric, so that Kubernetes' runAsNonRoot "
                + "can verify it", name).matches("\\d+");
        assertThat(docker.last("EXPOSE")).as("EXPOSE of deploy/%s must be http.port of deploy/service.properties",
                name).isEqualTo(String.valueOf(httpPort(serviceConfig())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
    void shouldLetEveryCopiedPathThroughItsDockerignore(String name) {
        Path ignore = DEPLOY.resolve(name + ".dockerignore");
        assertThat(ignore).as("deploy/%s needs deploy/%s.dockerignore, else the whole repository (targets, "
                + ".git) is sent as build context", name, name).exists();
        List<String> patterns = read(ignore).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (Copy copy : Dockerfile.read(DEPLOY.resolve(name)).copies()) {
            for (String source : copy.sources()) {
                String clean = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
                assertThat(patterns)
                        .as("deploy/%s.dockerignore must let %s through (a !%s line), which deploy/%s copies", name,
                                source, source, name)
                        .containsAnyOf("!" + source, "!" + clean, "!" + clean + "/");
            }
        }
    }

    @Test
    void shouldBaseTheCpuImageOnTheTemurin17Jre() {
        assertThat(Dockerfile.read(DEPLOY.resolve("Dockerfile")).last("FROM"))
                .as("base image of deploy/Dockerfile").isEqualTo("eclipse-temurin:17-jre");
    }

    @Test
    void shouldBaseTheGpuImageOnCuda12WithCudnn9AndAPackagedJre() {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve("Dockerfile.gpu"));
        // the unversioned "cudnn" tags of CUDA 12.4 and later carry cuDNN 9, which ONNX Runtime 1.23 needs
        assertThat(docker.last("FROM"))
                .as("base image of deploy/Dockerfile.gpu must be an nvidia/cuda 12.x runtime image with cuDNN 9 "
                        + "(ONNX Runtime 1.23's CUDA provider needs both)")
                .matches("nvidia/cuda:12\\.([4-9]|\\d\\d)(\\.\\d+)?-cudnn9?-runtime-ubuntu\\d\\d\\.\\d\\d");
        assertThat(docker.all("RUN")).as("deploy/Dockerfile.gpu must install a Java 17 JRE from the distribution")
                .anyMatch(run -> run.contains("apt-get install") && run.contains("openjdk-17-jre"));
        assertThat(docker.all("RUN")).as("deploy/Dockerfile.gpu must refuse a jar built without -Pgpu")
                .anyMatch(run -> run.contains("libonnxruntime_providers_cuda.so"));
    }

    @Test
    void shouldSelectCudaInTheGpuImageOnly() {
        // the image's own settings file: in Kubernetes the ConfigMap is mounted over it, but the args say the same
        Properties bundled = serviceProperties();
        List<String> gpuCmd = Dockerfile.read(DEPLOY.resolve("Dockerfile.gpu")).execForm("CMD");
        assertThat(settings(gpuCmd)).as("CMD of deploy/Dockerfile.gpu must pass %s=cuda as a key=value setting",
                StreamsAppConfig.ENGINE_DEVICE).containsKey(StreamsAppConfig.ENGINE_DEVICE);
        assertThat(commandConfig(bundled, gpuCmd, "deploy/service.properties and the CMD of deploy/Dockerfile.gpu")
                .engineConfig().device())
                .as("the engine device that the CMD of deploy/Dockerfile.gpu selects").isEqualTo(Device.CUDA);
        List<String> cpuCmd = Dockerfile.read(DEPLOY.resolve("Dockerfile")).execForm("CMD");
        assertThat(commandConfig(bundled, cpuCmd, "deploy/service.properties and the CMD of deploy/Dockerfile")
                .engineConfig().device())
                .as("deploy/Dockerfile is the CPU image: its command must not select CUDA").isEqualTo(Device.CPU);
    }

    // ---- service settings --------------------------------------------------------------------------------------

    @Test
    void shouldListenOnEveryInterfaceInsideContainers() {
        assertThat(serviceConfig().httpHost())
                .as("http.host of deploy/service.properties (loopback would be unreachable from outside the "
                        + "container)").isEqualTo("0.0.0.0");
        assertThat(configMapConfig().httpHost())
                .as("http.host of k8s/configmap.yaml (loopback would be unreachable for probes and the Service)")
                .isEqualTo("0.0.0.0");
    }

    // ---- docker-compose ----------------------------------------------------------------------------------------

    @Test
    void shouldRunKafkaInKraftModeWithReplicationFactorOne() {
        Map<String, Object> kafka = composeService("kafka");
        assertThat(str(kafka.get("image"))).as("Kafka image in %s must match <kafka.version> of the root pom",
                rel(COMPOSE)).isEqualTo("apache/kafka:" + pomProperty("kafka.version"));
        Map<String, Object> env = map(kafka.get("environment"), "environment of service 'kafka'");
        assertThat(str(env.get("KAFKA_PROCESS_ROLES")))
                .as("KAFKA_PROCESS_ROLES in %s: one KRaft node must be broker and controller", rel(COMPOSE))
                .contains("broker").contains("controller");
        for (String key : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertThat(str(env.get(key))).as("%s of service 'kafka' in %s must be 1 on a single broker, else the "
                    + "internal topics cannot be created", key, rel(COMPOSE)).isEqualTo("1");
        }
    }

    @Test
    void shouldPointTheServiceAtTheComposeBroker() {
        String bootstrap = serviceConfig().bootstrapServers();
        assertThat(bootstrap).as("bootstrap.servers of deploy/service.properties").isNotBlank();
        String host = bootstrap.split(":")[0];
        assertThat(map(compose().get("services"), "services of " + rel(COMPOSE)))
                .as("bootstrap.servers=%s of deploy/service.properties must name a service of %s", bootstrap,
                        rel(COMPOSE))
                .containsKey(host);
        Map<String, Object> env = map(composeService(host).get("environment"), "environment of service " + host);
        assertThat(str(env.get("KAFKA_ADVERTISED_LISTENERS")))
                .as("bootstrap.servers=%s of deploy/service.properties must be a listener service '%s' advertises",
                        bootstrap, host)
                .contains("://" + bootstrap);
    }

    @Test
    void shouldStartTheServiceOnceKafkaIsHealthyAndCheckItsHealth() {
        Map<String, Object> service = composeService("skeleton");
        assertThat(str(get(service, "depends_on", "kafka", "condition")))
                .as("service 'skeleton' in %s must wait for Kafka's healthcheck", rel(COMPOSE))
                .isEqualTo("service_healthy");
        int port = httpPort(serviceConfig());
        assertThat(String.join(" ", strings(get(service, "healthcheck", "test"))))
                .as("healthcheck of service 'skeleton' in %s must GET /health on http.port %d", rel(COMPOSE), port)
                .contains(":" + port + "/health");
        assertThat(strings(service.get("ports"))).as("service 'skeleton' in %s must publish http.port %d",
                rel(COMPOSE), port).contains(port + ":" + port);
    }

    @Test
    void shouldPublishEveryBundledSkeletonOnceAndExit() throws IOException {
        Map<String, Object> publish = composeService("publish");
        assertThat(str(publish.get("restart"))).as("service 'publish' in %s must run once (restart: \"no\")",
                rel(COMPOSE)).isEqualTo("no");
        assertThat(str(get(publish, "depends_on", "kafka", "condition")))
                .as("service 'publish' in %s must wait for Kafka's healthcheck", rel(COMPOSE))
                .isEqualTo("service_healthy");
        List<String> volumes = strings(publish.get("volumes"));
        List<String> java = strings(publish.get("command"));
        String jar = mountedAt(volumes, "../cli/target/" + cliFinalName() + ".jar");
        assertThat(java).as("service 'publish' in %s must run the CLI jar (cli/pom.xml's <finalName>), mounted at "
                + "%s", rel(COMPOSE), jar).containsSubsequence("java", "-jar", jar, "publish");
        List<String> command = java.subList(java.indexOf("publish"), java.size());
        assertThat(optionValue(command, "--config")).as("service 'publish' must read the service's settings "
                + "(--config), for the registry topic").isEqualTo(mountedAt(volumes, "./service.properties"));
        String root = optionValue(command, "--root");
        for (String dir : List.of("prompts", "skeletons")) {
            assertThat(mountedAt(volumes, "../" + dir)).as("--root %s of service 'publish' must hold the mounted "
                    + "%s/", root, dir).isEqualTo(root + "/" + dir);
        }

        List<String> tasks = new ArrayList<>();
        for (int i = 1; i < command.size(); i++) {
            if (command.get(i).startsWith("--")) {
                i++; // the option's value
            } else {
                tasks.add(command.get(i));
            }
        }
        for (String task : tasks) {
            assertThat(Files.exists(ROOT.resolve("skeletons").resolve(task).resolve("skeleton.avro"))
                    || Files.exists(ROOT.resolve("prompts").resolve(task).resolve("prompt.avro")))
                    .as("service 'publish' in %s publishes '%s', but neither skeletons/%s/skeleton.avro nor "
                            + "prompts/%s/prompt.avro exists", rel(COMPOSE), task, task, task).isTrue();
        }
        try (Stream<Path> dirs = Files.list(ROOT.resolve("skeletons"))) {
            List<String> bundled = dirs.filter(d -> Files.exists(d.resolve("skeleton.avro")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertThat(tasks).as("service 'publish' in %s must publish every bundled skeleton (skeletons/*/"
                    + "skeleton.avro); add the missing ones to its command", rel(COMPOSE)).containsAll(bundled);
        }
    }

    // ---- Kubernetes --------------------------------------------------------------------------------------------

    @Test
    void shouldKeepTheRegistryInACompactedTopicNamedLikeTheServiceDefault() {
        String defaultRegistry = (String) StreamsAppConfig.configDef().defaultValues()
                .get(StreamsAppConfig.REGISTRY_TOPIC);
        String configured = configMapConfig().registryTopic();
        assertThat(configured).as("registry.topic of k8s/configmap.yaml must be the service's default, which "
                + "`publish` and `retire` use without --config").isEqualTo(defaultRegistry);
        Map<String, Object> topic = kafkaTopic(configured);
        assertThat(str(get(topic, "spec", "config", "cleanup.policy")))
                .as("KafkaTopic %s (the skeleton registry) must be compacted, or old tasks are deleted after the "
                        + "retention time", configured).isEqualTo("compact");
        assertThat(str(get(topic, "spec", "partitions")))
                .as("KafkaTopic %s (the skeleton registry) must have one partition, so every task's versions keep "
                        + "one order", configured).isEqualTo("1");
    }

    @Test
    void shouldDeclareTheRequestLabelAndDeadLetterTopicsOfTheConfigMap() {
        StreamsAppConfig config = configMapConfig();
        List<String> expected = new ArrayList<>(config.inputTopics());
        expected.add(config.outputTopic());
        expected.add(config.dlqTopic());
        for (String topic : expected) {
            assertThat(kafkaTopic(topic)).as("k8s/kafka-topics.yaml must declare a KafkaTopic for %s, named in "
                    + "k8s/configmap.yaml", topic).isNotNull();
        }
    }

    @Test
    void shouldAssignEveryTopicToTheClusterTheServiceConnectsTo() {
        String bootstrap = configMapConfig().bootstrapServers();
        for (Map<String, Object> topic : resources(K8S.resolve("kafka-topics.yaml"), "KafkaTopic")) {
            String cluster = str(get(topic, "metadata", "labels", "strimzi.io/cluster"));
            assertThat(bootstrap).as("KafkaTopic %s belongs to Strimzi cluster '%s', so bootstrap.servers of "
                    + "k8s/configmap.yaml must be its bootstrap service", get(topic, "metadata", "name"), cluster)
                    .startsWith(cluster + "-kafka-bootstrap:");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment.yaml", "deployment-gpu.yaml"})
    void shouldProbeReadyAndHealthOnTheConfiguredHttpPort(String file) {
        Map<String, Object> container = container(deployment(file));
        int httpPort = httpPort(configMapConfig());
        int containerPort = containerPort(container, "http");
        assertThat(containerPort).as("containerPort 'http' in k8s/%s must be http.port of k8s/configmap.yaml",
                file).isEqualTo(httpPort);
        Map<String, String> expectedPaths = Map.of("readinessProbe", "/ready", "livenessProbe", "/health",
                "startupProbe", "/health");
        for (Map.Entry<String, String> e : expectedPaths.entrySet()) {
            Object probe = container.get(e.getKey());
            if (probe == null && e.getKey().equals("startupProbe")) {
                continue; // optional
            }
            assertThat(probe).as("%s of k8s/%s", e.getKey(), file).isNotNull();
            assertThat(str(get(probe, "httpGet", "path"))).as("%s path in k8s/%s", e.getKey(), file)
                    .isEqualTo(e.getValue());
            assertThat(resolvePort(container, get(probe, "httpGet", "port")))
                    .as("%s port in k8s/%s must be the container's HTTP port %d", e.getKey(), file, httpPort)
                    .isEqualTo(httpPort);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment.yaml", "deployment-gpu.yaml"})
    void shouldReadItsSettingsFromTheMountedConfigMap(String file) {
        List<String> files = settingsFiles(strings(container(deployment(file)).get("args")));
        assertThat(files).as("args of k8s/%s must name a settings file", file).isNotEmpty();
        String configPath = files.get(0);
        Map<String, Object> configMap = configMap();
        String configMapName = str(get(configMap, "metadata", "name"));
        String mountPath = mountPath(file, "configMap", "name", configMapName);
        Map<String, Object> data = map(configMap.get("data"), "data of the ConfigMap");
        assertThat(data.keySet().stream().map(key -> mountPath + "/" + key).toList())
                .as("settings file %s of k8s/%s must be a file of ConfigMap %s mounted at %s", configPath, file,
                        configMapName, mountPath).contains(configPath);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment.yaml", "deployment-gpu.yaml"})
    void shouldTakeEverySecretFromTheMountedSecretAndNoneFromTheConfigMap(String file) {
        Map<String, Object> secret = resources(K8S.resolve("secret.example.yaml"), "Secret").get(0);
        String secretName = str(get(secret, "metadata", "name"));
        String mountPath = mountPath(file, "secret", "secretName", secretName);
        List<String> secretFiles = map(secret.get("stringData"), "stringData of the Secret").keySet().stream()
                .map(key -> mountPath + "/" + key).toList();

        // the Kafka login: a second settings file, from the Secret
        List<String> configs = settingsFiles(strings(container(deployment(file)).get("args")));
        assertThat(configs).as("args of k8s/%s: a settings file from Secret %s", file, secretName)
                .anyMatch(secretFiles::contains);
        // the HTTP token and the signing key: file references into the Secret
        Properties settings = configMapProperties();
        for (String key : List.of(StreamsAppConfig.HTTP_AUTH_TOKEN, StreamsAppConfig.REGISTRY_SIGNING_KEY)) {
            assertThat(settings.getProperty(key)).as("%s of k8s/configmap.yaml must name a file of Secret %s", key,
                    secretName).isIn(secretFiles.stream().map(f -> "file:" + f).toList());
        }
        // and no credential in the ConfigMap
        assertThat(settings.stringPropertyNames()).as("credentials belong in the Secret, not k8s/configmap.yaml")
                .noneMatch(k -> k.contains("jaas") || k.contains("password") || k.contains("secret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment.yaml", "deployment-gpu.yaml"})
    void shouldStopWithinThePodsGracePeriod(String file) {
        Object seconds = get(deployment(file), "spec", "template", "spec", "terminationGracePeriodSeconds");
        long podGraceMillis = seconds == null ? 30_000 : ((Number) seconds).longValue() * 1_000;
        assertThat(configMapConfig().shutdownGrace().toMillis())
                .as("shutdown.grace.ms of k8s/configmap.yaml must end before k8s/%s kills the pod", file)
                .isLessThan(podGraceMillis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment.yaml", "deployment-gpu.yaml"})
    void shouldRequestAndLimitCpuAndMemory(String file) {
        Map<String, Object> resources = map(container(deployment(file)).get("resources"), "resources of " + file);
        for (String kind : List.of("requests", "limits")) {
            assertThat(map(resources.get(kind), kind + " of " + file)).as("resources.%s of k8s/%s", kind, file)
                    .containsKeys("cpu", "memory");
        }
    }

    @Test
    void shouldGiveTheGpuDeploymentOneNvidiaGpu() {
        Object gpus = get(container(deployment("deployment-gpu.yaml")), "resources", "limits", "nvidia.com/gpu");
        assertThat(str(gpus)).as("resources.limits of k8s/deployment-gpu.yaml must ask for nvidia.com/gpu: 1")
                .isEqualTo("1");
        Object cpuGpus = get(container(deployment("deployment.yaml")), "resources", "limits", "nvidia.com/gpu");
        assertThat(cpuGpus).as("k8s/deployment.yaml is the CPU variant and must not take a GPU").isNull();
    }

    @Test
    void shouldSelectCudaInTheGpuDeploymentOnly() {
        Properties shared = configMapProperties();
        assertThat(configMapConfig().engineConfig().device())
                .as("k8s/configmap.yaml is shared by both Deployments and must stay on the CPU default; the GPU "
                        + "Deployment selects CUDA in its args").isEqualTo(Device.CPU);
        List<String> gpuArgs = strings(container(deployment("deployment-gpu.yaml")).get("args"));
        assertThat(settings(gpuArgs)).as("args of k8s/deployment-gpu.yaml must pass %s=cuda as a key=value setting",
                StreamsAppConfig.ENGINE_DEVICE).containsKey(StreamsAppConfig.ENGINE_DEVICE);
        assertThat(commandConfig(shared, gpuArgs, "k8s/configmap.yaml and the args of k8s/deployment-gpu.yaml")
                .engineConfig().device())
                .as("the engine device that k8s/deployment-gpu.yaml selects").isEqualTo(Device.CUDA);
        List<String> cpuArgs = strings(container(deployment("deployment.yaml")).get("args"));
        assertThat(commandConfig(shared, cpuArgs, "k8s/configmap.yaml and the args of k8s/deployment.yaml")
                .engineConfig().device())
                .as("k8s/deployment.yaml is the CPU variant: it must not select CUDA").isEqualTo(Device.CPU);
    }

    @Test
    void shouldRouteTheServiceToTheHttpPortOfEveryVariant() {
        Map<String, Object> service = resources(K8S.resolve("service.yaml"), "Service").get(0);
        Map<String, Object> selector = map(get(service, "spec", "selector"), "selector of the Service");
        Map<String, Object> port = list(get(service, "spec", "ports"), "ports of the Service").get(0);
        int httpPort = httpPort(configMapConfig());
        for (String file : List.of("deployment.yaml", "deployment-gpu.yaml")) {
            Map<String, Object> deployment = deployment(file);
            Map<String, Object> podLabels = map(get(deployment, "spec", "template", "metadata", "labels"),
                    "pod labels of " + file);
            assertThat(podLabels).as("the Service's selector must match the pods of k8s/%s", file)
                    .containsAllEntriesOf(selector);
            assertThat(resolvePort(container(deployment), port.get("targetPort")))
                    .as("targetPort of k8s/service.yaml must be the HTTP port of the pods of k8s/%s", file)
                    .isEqualTo(httpPort);
        }
        assertThat(str(port.get("port"))).as("port of k8s/service.yaml").isEqualTo(String.valueOf(httpPort));
    }

    @Test
    void shouldListExistingManifestsInTheKustomization() {
        Map<String, Object> kustomization = yaml(K8S.resolve("kustomization.yaml")).get(0);
        List<String> resources = strings(kustomization.get("resources"));
        for (String resource : resources) {
            assertThat(K8S.resolve(resource)).as("k8s/kustomization.yaml lists %s, which does not exist", resource)
                    .exists();
        }
        assertThat(resources).as("k8s/kustomization.yaml: the CPU variant and what it needs")
                .contains("kafka-topics.yaml", "configmap.yaml", "deployment.yaml", "service.yaml")
                .as("k8s/kustomization.yaml must not start the GPU variant next to the CPU one by default")
                .doesNotContain("deployment-gpu.yaml");
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    private static String pomProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.contains("${")) {
            fail("system property %s is '%s': deploy/pom.xml must pass the root pom's <%s> to the test", name,
                    value, name);
        }
        return value;
    }

    /** {@code <build><finalName>} of cli/pom.xml: the shaded jar is cli/target/FINALNAME.jar. */
    private static String cliFinalName() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document pom = factory.newDocumentBuilder().parse(ROOT.resolve("cli/pom.xml").toFile());
            for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element build && build.getTagName().equals("build")) {
                    for (Node m = build.getFirstChild(); m != null; m = m.getNextSibling()) {
                        if (m instanceof Element e && e.getTagName().equals("finalName")) {
                            return e.getTextContent().strip();
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read cli/pom.xml: " + e, e);
        }
        return fail("cli/pom.xml has no <build><finalName>: the Dockerfiles copy cli/target/FINALNAME.jar");
    }

    private static Properties serviceProperties() {
        return properties(read(SERVICE_PROPERTIES));
    }

    private static Map<String, Object> configMap() {
        return resources(K8S.resolve("configmap.yaml"), "ConfigMap").get(0);
    }

    private static Properties configMapProperties() {
        Object file = get(configMap(), "data", "service.properties");
        assertThat(file).as("k8s/configmap.yaml must hold service.properties").isNotNull();
        return properties(str(file));
    }

    /** The service's own check of a settings file: unknown keys and bad values fail here, not at start-up. */
    private static StreamsAppConfig config(Properties properties, String where) {
        try {
            return StreamsAppConfig.fromProperties(properties);
        } catch (RuntimeException e) {
            return fail("the settings in %s are refused by the service: %s", where, e.getMessage());
        }
    }

    private static StreamsAppConfig serviceConfig() {
        return config(serviceProperties(), "deploy/service.properties");
    }

    private static StreamsAppConfig configMapConfig() {
        return config(configMapProperties(), "k8s/configmap.yaml");
    }

    /**
     * The {@code key=value} settings of a {@code run} command line (a Dockerfile's CMD, a container's args), as
     * {@code RunCommand} reads them: the positional arguments after {@code run}; every option takes a value.
     */
    /** The {@code key=value} settings among the service jar's arguments (the others are settings files). */
    private static Map<String, String> settings(List<String> arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : arguments) {
            assertThat(arg).as("argument of the service jar in %s: a settings file or key=value", arguments)
                    .doesNotStartWith("-");
            int eq = arg.indexOf('=');
            if (eq > 0) {
                settings.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return settings;
    }

    /** The settings files among the service jar's arguments, in order (later wins). */
    private static List<String> settingsFiles(List<String> arguments) {
        return arguments.stream().filter(arg -> !arg.contains("=")).toList();
    }

    /** Where a compose volume {@code source:target[:mode]} mounts {@code source}; fails if nothing does. */
    private static String mountedAt(List<String> volumes, String source) {
        return volumes.stream().map(v -> v.split(":")).filter(v -> v[0].equals(source)).map(v -> v[1]).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounts " + source + " in " + volumes));
    }

    private static StreamsAppConfig commandConfig(Properties file, List<String> command, String where) {
        Properties all = new Properties();
        all.putAll(file);
        settings(command).forEach(all::setProperty);
        return config(all, where);
    }

    private static int httpPort(StreamsAppConfig config) {
        return config.httpPort()
                .orElseThrow(() -> new AssertionError("http.port is -1 (HTTP off): no probes are possible"));
    }

    private static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static Map<String, Object> compose() {
        return yaml(COMPOSE).get(0);
    }

    private static Map<String, Object> composeService(String name) {
        Object service = get(compose(), "services", name);
        assertThat(service).as("%s must have a service '%s'", rel(COMPOSE), name).isNotNull();
        return map(service, "service " + name);
    }

    private static Map<String, Object> deployment(String file) {
        List<Map<String, Object>> found = resources(K8S.resolve(file), "Deployment");
        assertThat(found).as("k8s/%s must hold one Deployment", file).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = list(get(deployment, "spec", "template", "spec", "containers"),
                "containers");
        assertThat(containers).as("containers of Deployment %s", get(deployment, "metadata", "name")).hasSize(1);
        return containers.get(0);
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return list(container.get("ports"), "ports").stream().filter(p -> name.equals(str(p.get("name"))))
                .map(p -> Integer.parseInt(str(p.get("containerPort")))).findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.get("name") + " has no port named "
                        + name));
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Number n) {
            return n.intValue();
        }
        String s = str(port);
        return s.matches("\\d+") ? Integer.parseInt(s) : containerPort(container, s);
    }

    private static Map<String, Object> kafkaTopic(String topicName) {
        return resources(K8S.resolve("kafka-topics.yaml"), "KafkaTopic").stream()
                .filter(t -> topicName.equals(str(Objects.requireNonNullElse(get(t, "spec", "topicName"),
                        get(t, "metadata", "name")))))
                .findFirst().orElseGet(() -> fail("k8s/kafka-topics.yaml has no KafkaTopic for topic %s", topicName));
    }

    private static List<Map<String, Object>> resources(Path file, String kind) {
        return yaml(file).stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(read(file))) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    /** The node at {@code path} under {@code node}, or null where any step is missing. */
    private static Object get(Object node, String... path) {
        Object at = node;
        for (String step : path) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(step);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as(what + " must be a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object node, String what) {
        assertThat(node).as(what + " must be a list").isInstanceOf(List.class);
        return (List<Map<String, Object>>) node;
    }

    private static List<String> strings(Object node) {
        assertThat(node).as("expected a list, found " + node).isInstanceOf(List.class);
        return ((List<?>) node).stream().map(DeployManifestsTest::str).toList();
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    /** The value after {@code option} in an argument list, or null. */
    private static String optionValue(List<String> args, String option) {
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /**
     * Where the container of k8s/{@code file} mounts the volume whose {@code source} ("configMap", "secret") has
     * {@code key} = {@code name}; fails if there is no such volume or mount.
     */
    private static String mountPath(String file, String source, String key, String name) {
        Map<String, Object> deployment = deployment(file);
        String volume = list(get(deployment, "spec", "template", "spec", "volumes"), "volumes").stream()
                .filter(v -> name.equals(str(get(v, source, key))))
                .map(v -> str(get(v, "name"))).findFirst().orElse(null);
        assertThat(volume).as("k8s/%s must have a volume of %s %s", file, source, name).isNotNull();
        String mountPath = list(container(deployment).get("volumeMounts"), "volumeMounts").stream()
                .filter(m -> volume.equals(str(get(m, "name"))))
                .map(m -> str(get(m, "mountPath"))).findFirst().orElse(null);
        assertThat(mountPath).as("k8s/%s must mount volume %s", file, volume).isNotNull();
        return mountPath;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String rel(Path file) {
        return ROOT.relativize(file).toString();
    }

    // ---- Dockerfile --------------------------------------------------------------------------------------------

    /** One {@code COPY} (or {@code ADD}): its sources and destination. */
    private record Copy(List<String> sources, String destination) {}

    /** A Dockerfile as a list of instructions: keyword and arguments, continuation lines joined, comments dropped. */
    private record Dockerfile(List<Map.Entry<String, String>> instructions) {

        static Dockerfile read(Path file) {
            List<Map.Entry<String, String>> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : DeployManifestsTest.read(file).lines().toList()) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                    continue; // comments are dropped even inside a continued instruction, as Docker does
                }
                if (stripped.endsWith("\\")) {
                    current.append(stripped, 0, stripped.length() - 1).append(' ');
                    continue;
                }
                current.append(stripped);
                String text = current.toString().strip();
                current.setLength(0);
                if (!text.isEmpty()) {
                    String[] parts = text.split("\\s+", 2);
                    instructions.add(Map.entry(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
                }
            }
            return new Dockerfile(List.copyOf(instructions));
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.getKey().equals(keyword)).map(Map.Entry::getValue).toList();
        }

        String last(String keyword) {
            List<String> all = all(keyword);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        /** The last {@code keyword} in exec (JSON array) form, e.g. {@code ENTRYPOINT ["java", ...]}. */
        List<String> execForm(String keyword) {
            String value = last(keyword);
            assertThat(value).as("Dockerfile needs %s in exec form [\"...\"]", keyword).isNotNull().startsWith("[");
            return strings(new Yaml().load(value)); // a JSON array is YAML too
        }

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (String keyword : List.of("COPY", "ADD")) {
                for (String args : all(keyword)) {
                    List<String> words = new ArrayList<>(List.of(args.split("\\s+")));
                    words.removeIf(w -> w.startsWith("--")); // --chown=, --chmod=, --link
                    if (words.stream().anyMatch(w -> w.startsWith("["))) {
                        continue; // JSON form: not used here
                    }
                    copies.add(new Copy(List.copyOf(words.subList(0, words.size() - 1)),
                            words.get(words.size() - 1)));
                }
            }
            return copies;
        }

        /** The copy of {@code source} from the build context, or null. */
        Copy copyOf(String source) {
            return copies().stream().filter(c -> c.sources().contains(source)).findFirst().orElse(null);
        }
    }
}
