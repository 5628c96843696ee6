package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the Kubernetes manifests (deploy/k8s/*.yaml, and the GPU variant in deploy/k8s/gpu/) and the container recipe
 * (deploy/Dockerfile) against the interface the Java side implements: roles and CLI arguments, ports, environment,
 * volumes, probes, RBAC, GPU requests, and the HOCON in the ConfigMap. Parsing only: nothing here talks to a cluster
 * or builds an image. Surefire runs with basedir = deploy/.
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of("k8s");
    /** The GPU variant: manifests applied over the default ones (kubectl apply -f does not descend into it). */
    private static final Path K8S_GPU = K8S.resolve("gpu");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Set<String> WORKLOADS = Set.of("aha-seed", "aha-rollout", "aha-reward");
    private static final String GPU = "nvidia.com/gpu";

    private static List<JsonNode> docs;
    private static List<JsonNode> gpuDocs;

    @BeforeAll
    static void parseManifests() throws IOException {
        docs = parse(K8S);
        gpuDocs = parse(K8S_GPU);
    }

    /** Every document of the *.yaml files directly in {@code dir}. */
    private static List<JsonNode> parse(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), "no manifests directory at " + dir.toAbsolutePath());
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        assertFalse(files.isEmpty(), "no *.yaml in " + dir.toAbsolutePath());
        for (Path file : files) {
            try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc == null || doc.isNull() || doc.isEmpty()) continue;
                    assertTrue(doc.hasNonNull("apiVersion") && doc.hasNonNull("kind"),
                            file + ": a document without apiVersion/kind: " + doc);
                    assertFalse(doc.path("metadata").has("namespace"),
                            file + ": manifests must stay namespace-agnostic, found a namespace in " + name(doc));
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    // ---- workloads ----

    @Test
    void theThreeWorkloadsExistWithTheirKindsAndLabels() {
        assertWorkload("StatefulSet", "aha-seed", "seed", 1);
        assertWorkload("Deployment", "aha-rollout", "rollout", 2);
        assertWorkload("Deployment", "aha-reward", "reward", -1);
        JsonNode seed = object("StatefulSet", "aha-seed");
        assertEquals("aha", seed.at("/spec/serviceName").asText(), "aha-seed: serviceName must be the headless service");
    }

    @Test
    void seedRunsSeedWithTheTrainingArguments() {
        List<String> args = args(container("aha-seed"));
        assertEquals("seed", args.get(0), "aha-seed: args must start with 'seed': " + args);
        assertOption(args, "--host", "$(POD_IP)", "aha-seed");
        assertOption(args, "--port", "25520", "aha-seed");
        assertOption(args, "--config", "/etc/aha/aha.conf", "aha-seed");
        assertOption(args, "--task", "gsm8k", "aha-seed");
        assertOption(args, "--train", "/data/gsm8k/train.jsonl", "aha-seed");
        assertOption(args, "--eval", "/data/gsm8k/test.jsonl", "aha-seed");
        assertOption(args, "--bootstrap", "kubernetes", "aha-seed");
        assertParsesAsAhaCommand(args, "aha-seed");
        assertOption(args, "--out", "/runs/aha", "aha-seed");
        assertTrue(args.contains("--minutes"), "aha-seed: no --minutes in " + args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rollout", "reward"})
    void joinersJoinThroughKubernetesBootstrapWithTheirRole(String role) {
        String name = "aha-" + role;
        List<String> args = args(container(name));
        assertEquals("join", args.get(0), name + ": args must start with 'join': " + args);
        assertOption(args, "--bootstrap", "kubernetes", name);
        assertOption(args, "--roles", role, name);
        assertOption(args, "--host", "$(POD_IP)", name);
        assertOption(args, "--port", "25520", name);
        assertOption(args, "--config", "/etc/aha/aha.conf", name);
        assertParsesAsAhaCommand(args, name);
        assertEquals("false", env(container(name), "AHA_NEW_CLUSTER_ENABLED").path("value").asText(),
                name + ": must set AHA_NEW_CLUSTER_ENABLED=false (only the seed may form a cluster)");
    }

    /** The args are a valid command line of the aha CLI this distribution ships (options exist, values parse). */
    private static void assertParsesAsAhaCommand(List<String> args, String workload) {
        String[] line = args.stream().map(a -> a.replace("$(POD_IP)", "10.0.0.7")).toArray(String[]::new);
        try {
            dev.aha.app.cli.Aha.commandLine().parseArgs(line);
        } catch (picocli.CommandLine.ParameterException e) {
            fail(workload + ": args are not a valid aha command line (" + e.getMessage() + "): " + args);
        }
    }

    @Test
    void seedKeepsTheDefaultAndMayFormTheCluster() {
        assertTrue(env(container("aha-seed"), "AHA_NEW_CLUSTER_ENABLED").isMissingNode(),
                "aha-seed must not disable new-cluster formation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aha-seed", "aha-rollout", "aha-reward"})
    void everyContainerExposesRemotingManagementAndTheUdpWeightPlane(String workload) {
        JsonNode c = container(workload);
        assertPort(c, workload, "remoting", 25520, "TCP");
        assertPort(c, workload, "management", 8558, "TCP");
        assertPort(c, workload, "weights-data", 40601, "UDP");
        assertPort(c, workload, "weights-ctl", 40602, "UDP");
    }

    /** Prometheus' kubernetes_sd finds every pod by its annotations, on the port aha.conf serves /metrics on. */
    @ParameterizedTest
    @ValueSource(strings = {"aha-seed", "aha-rollout", "aha-reward"})
    void everyPodIsAnnotatedForPrometheusOnItsMetricsPort(String workload) {
        int port = ahaConf().resolve().getInt("aha.http.port");
        assertEquals("0.0.0.0", ahaConf().resolve().getString("aha.http.host"), "reachable from Prometheus");
        assertPort(container(workload), workload, "metrics", port, "TCP");
        JsonNode annotations = workload(workload).at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText(), workload);
        assertEquals(String.valueOf(port), annotations.path("prometheus.io/port").asText(), workload);
        assertEquals("/metrics", annotations.path("prometheus.io/path").asText(), workload);
    }

    /** Every metric a Grafana panel queries is one the nodes serve (docs/metrics.md lists them all). */
    @Test
    void theGrafanaDashboardQueriesOnlyDocumentedMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("grafana", "aha.json").toFile());
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:aha|jvm|process)_[a-z0-9_]+)");
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                java.util.regex.Matcher m = metric.matcher(target.path("expr").asText());
                while (m.find()) {
                    String name = m.group(1).replaceAll("_(bucket|sum|count)$", "");
                    assertTrue(doc.contains("`" + name + "`"), panel.path("title").asText() + ": " + name
                            + " is not in docs/metrics.md");
                    queries++;
                }
            }
        }
        assertTrue(queries >= 20, "the dashboard's queries: " + queries);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aha-seed", "aha-rollout", "aha-reward"})
    void everyContainerKnowsItsPodIpAndNamespace(String workload) {
        JsonNode c = container(workload);
        assertEquals("status.podIP", env(c, "POD_IP").at("/valueFrom/fieldRef/fieldPath").asText(),
                workload + ": POD_IP must come from the downward API status.podIP");
        assertEquals("$(POD_IP)", env(c, "AHA_HOST").path("value").asText(), workload + ": AHA_HOST must be $(POD_IP)");
        List<String> order = names(c.path("env"));
        assertTrue(order.indexOf("POD_IP") < order.indexOf("AHA_HOST"),
                workload + ": POD_IP must be defined before AHA_HOST, or $(POD_IP) does not expand: " + order);
        assertEquals("metadata.namespace", env(c, "POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText(),
                workload + ": POD_NAMESPACE must come from metadata.namespace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aha-seed", "aha-rollout", "aha-reward"})
    void everyPodHasSharedMemoryForAeronAndTheConfigMap(String workload) {
        JsonNode pod = podSpec(workload);
        JsonNode c = container(workload);

        JsonNode shm = volume(pod, workload, mountedVolume(c, workload, "/dev/shm"));
        assertEquals("Memory", shm.at("/emptyDir/medium").asText(), workload + ": /dev/shm must be a memory emptyDir");
        assertFalse(shm.at("/emptyDir/sizeLimit").asText().isEmpty(), workload + ": /dev/shm emptyDir needs a sizeLimit");

        JsonNode config = volume(pod, workload, mountedVolume(c, workload, "/etc/aha"));
        assertEquals("aha-config", config.at("/configMap/name").asText(),
                workload + ": /etc/aha must be the ConfigMap aha-config");

        assertEquals("aha", pod.path("serviceAccountName").asText(),
                workload + ": pods must run as ServiceAccount aha (kubernetes-api discovery lists pods)");
        int grace = pod.path("terminationGracePeriodSeconds").asInt(-1);
        assertTrue(grace >= 20, workload + ": terminationGracePeriodSeconds should leave Pekko time to leave, got " + grace);
    }

    @Test
    void seedMountsDatasetAndRuns() {
        JsonNode c = container("aha-seed");
        mountedVolume(c, "aha-seed", "/data");
        String runs = mountedVolume(c, "aha-seed", "/runs");
        JsonNode seed = object("StatefulSet", "aha-seed");
        boolean claimTemplate = StreamSupport.stream(seed.at("/spec/volumeClaimTemplates").spliterator(), false)
                .anyMatch(t -> runs.equals(t.at("/metadata/name").asText()));
        boolean podVolume = StreamSupport.stream(seed.at("/spec/template/spec/volumes").spliterator(), false)
                .anyMatch(v -> runs.equals(v.path("name").asText()) && v.has("persistentVolumeClaim"));
        assertTrue(claimTemplate || podVolume, "aha-seed: /runs must be persistent (a volumeClaimTemplate or PVC)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aha-seed", "aha-rollout", "aha-reward"})
    void probesHitPekkoManagementHealthEndpoints(String workload) {
        JsonNode c = container(workload);
        assertProbe(c, workload, "readinessProbe", "/ready");
        assertProbe(c, workload, "livenessProbe", "/alive");
    }

    /** The default manifests run on CPU nodes: a GPU reserved by a pod of the CPU build would sit idle. */
    @Test
    void defaultManifestsRequestNoGpu() {
        for (JsonNode doc : docs) {
            JsonNode pod = doc.at("/spec/template/spec");
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path(list)) {
                    for (String kind : List.of("requests", "limits")) {
                        assertTrue(c.path("resources").path(kind).path(GPU).isMissingNode(),
                                name(doc) + ": container " + c.path("name").asText() + " must not " + kind
                                        + " " + GPU + " (the GPU variant is in " + K8S_GPU + ")");
                    }
                }
            }
            assertFalse(tolerates(pod, GPU), name(doc) + ": must not tolerate the " + GPU + " taint of GPU nodes");
        }
        assertFalse(container("aha-rollout").at("/resources/requests/cpu").isMissingNode(),
                "aha-rollout: needs a cpu request");
        assertFalse(container("aha-rollout").at("/resources/requests/memory").isMissingNode(),
                "aha-rollout: needs a memory request");
    }

    @Test
    void gpuVariantIsOnlyARolloutDeployment() {
        assertEquals(List.of("Deployment/aha-rollout"),
                gpuDocs.stream().map(K8sManifestsTest::name).collect(Collectors.toList()),
                K8S_GPU + " must hold the rollout Deployment only (it replaces the default one)");
    }

    @Test
    void gpuVariantRequestsOneGpuOnGpuNodesAndSamplesOnIt() {
        JsonNode rollout = gpuRollout();
        JsonNode pod = rollout.at("/spec/template/spec");
        JsonNode c = pod.path("containers").get(0);
        assertEquals("1", c.at("/resources/limits").path(GPU).asText(), "GPU rollout: must limit " + GPU + " to 1");
        JsonNode requested = c.at("/resources/requests").path(GPU);
        assertTrue(requested.isMissingNode() || "1".equals(requested.asText()),
                "GPU rollout: an " + GPU + " request must equal its limit, got " + requested);
        assertFalse(pod.path("nodeSelector").isEmpty(), "GPU rollout: needs a nodeSelector for GPU nodes");
        assertTrue(tolerates(pod, GPU), "GPU rollout: must tolerate the " + GPU + " taint");
        assertTrue(c.path("image").asText().contains("cuda"),
                "GPU rollout: must run the image built with mvn -Pcuda, got " + c.path("image").asText());
        List<String> args = args(c);
        assertOption(args, "--device", "gpu", "GPU rollout");
        assertParsesAsAhaCommand(args, "GPU rollout");
    }

    /** Whatever is not about the GPU stays as in the default rollout, so the two cannot drift apart. */
    @Test
    void gpuVariantIsTheDefaultRolloutPlusTheGpu() {
        ObjectNode cpu = withoutGpuSettings(object("Deployment", "aha-rollout"));
        ObjectNode gpu = withoutGpuSettings(gpuRollout());
        assertEquals(cpu, gpu, K8S_GPU + "/rollout.yaml must equal k8s/rollout.yaml but for the GPU request, node "
                + "selector, tolerations, image, --device gpu and the DJL cache volume");
    }

    private static JsonNode gpuRollout() {
        return gpuDocs.stream()
                .filter(d -> "Deployment".equals(d.path("kind").asText()))
                .filter(d -> "aha-rollout".equals(d.at("/metadata/name").asText()))
                .findFirst().orElseGet(() -> fail("no Deployment aha-rollout in " + K8S_GPU));
    }

    private static ObjectNode withoutGpuSettings(JsonNode workload) {
        ObjectNode copy = workload.deepCopy();
        ObjectNode pod = (ObjectNode) copy.at("/spec/template/spec");
        pod.remove(List.of("nodeSelector", "tolerations"));
        withoutNamed(pod.path("volumes"), "djl-cache");
        ObjectNode c = (ObjectNode) pod.path("containers").get(0);
        c.remove("image");
        for (String kind : List.of("requests", "limits")) {
            if (c.path("resources").path(kind) instanceof ObjectNode r) {
                r.remove(GPU);
            }
        }
        withoutNamed(c.path("volumeMounts"), "djl-cache");
        ArrayNode args = (ArrayNode) c.path("args");
        for (int i = 0; i + 1 < args.size(); i++) {
            if ("--device".equals(args.get(i).asText())) {
                args.remove(i + 1);
                args.remove(i);
                break;
            }
        }
        return copy;
    }

    private static void withoutNamed(JsonNode array, String name) {
        if (array instanceof ArrayNode a) {
            for (int i = a.size() - 1; i >= 0; i--) {
                if (name.equals(a.get(i).path("name").asText())) {
                    a.remove(i);
                }
            }
        }
    }

    private static boolean tolerates(JsonNode podSpec, String taint) {
        return StreamSupport.stream(podSpec.path("tolerations").spliterator(), false)
                .anyMatch(t -> taint.equals(t.path("key").asText()));
    }

    // ---- service, RBAC ----

    @Test
    void headlessServicePublishesNotReadyPods() {
        JsonNode svc = object("Service", "aha");
        assertEquals("None", svc.at("/spec/clusterIP").asText(), "service aha must be headless (clusterIP: None)");
        assertTrue(svc.at("/spec/publishNotReadyAddresses").asBoolean(false),
                "service aha must set publishNotReadyAddresses: true (bootstrap runs before readiness)");
        assertEquals("aha", svc.at("/spec/selector/app").asText(), "service aha must select app=aha");
        Map<String, Integer> ports = StreamSupport.stream(svc.at("/spec/ports").spliterator(), false)
                .collect(Collectors.toMap(p -> p.path("name").asText(), p -> p.path("port").asInt()));
        assertEquals(Map.of("remoting", 25520, "management", 8558), ports, "service aha ports");
    }

    @Test
    void roleLetsTheServiceAccountReadPods() {
        object("ServiceAccount", "aha");
        JsonNode binding = only("RoleBinding");
        String roleName = binding.at("/roleRef/name").asText();
        assertEquals("Role", binding.at("/roleRef/kind").asText(), "the RoleBinding must refer to a Role");
        assertTrue(StreamSupport.stream(binding.path("subjects").spliterator(), false)
                        .anyMatch(s -> "ServiceAccount".equals(s.path("kind").asText()) && "aha".equals(s.path("name").asText())),
                "the RoleBinding must bind ServiceAccount aha");
        JsonNode role = object("Role", roleName);
        boolean readsPods = StreamSupport.stream(role.path("rules").spliterator(), false)
                .filter(r -> texts(r.path("resources")).contains("pods"))
                .filter(r -> texts(r.path("apiGroups")).contains(""))
                .anyMatch(r -> texts(r.path("verbs")).containsAll(List.of("get", "watch", "list")));
        assertTrue(readsPods, "Role " + roleName + " must grant pods get/watch/list in the core API group");
    }

    // ---- aha.conf ----

    @Test
    void configMapHoldsParseableHoconForKubernetesBootstrap() {
        Config conf = ahaConf().resolve();
        assertEquals("kubernetes-api", conf.getString("pekko.discovery.method"));
        assertEquals(8558, conf.getInt("pekko.management.http.port"));
        String boot = "pekko.management.cluster.bootstrap.contact-point-discovery.";
        assertEquals("aha", conf.getString(boot + "service-name"));
        assertEquals("kubernetes-api", conf.getString(boot + "discovery-method"));
        assertEquals(1, conf.getInt(boot + "required-contact-point-nr"));
        assertTrue(conf.getString("pekko.discovery.kubernetes-api.pod-label-selector").startsWith("app=%s"),
                "pod-label-selector must select app=<service-name>");
        assertEquals(25520, conf.getInt("pekko.remote.artery.canonical.port"));
        assertEquals("UDP", conf.getString("aha.weights.transport"));
        assertEquals("ready", conf.getString("pekko.management.health-checks.readiness-path"));
        assertEquals("alive", conf.getString("pekko.management.health-checks.liveness-path"));
    }

    @Test
    void configMapTakesPerPodValuesFromTheEnvironment() {
        Config env = ConfigFactory.parseMap(Map.of(
                "AHA_HOST", "10.1.2.3", "AHA_NEW_CLUSTER_ENABLED", "false", "POD_NAMESPACE", "training"));
        Config conf = ahaConf().resolveWith(env);
        assertEquals("10.1.2.3", conf.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals("10.1.2.3", conf.getString("pekko.management.http.hostname"));
        assertEquals("10.1.2.3", conf.getString("aha.weights.host"));
        assertEquals("training", conf.getString("pekko.discovery.kubernetes-api.pod-namespace"));
        assertFalse(conf.getBoolean("pekko.management.cluster.bootstrap.new-cluster-enabled"),
                "AHA_NEW_CLUSTER_ENABLED=false must turn new-cluster-enabled off");
    }

    /** The seed's task, with its /data files taken from the test data (GSM8K): every prompt it holds out fits. */
    @Test
    void theSeedsDatasetFitsItsModelsContext(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("aha.conf");
        Files.writeString(file, object("ConfigMap", "aha-config").at("/data/aha.conf").asText());
        List<String> args = args(container("aha-seed"));
        String task = args.get(args.indexOf("--task") + 1);
        assertEquals(0, ShippedConfigsTest.check(file, "learner,dispatcher", "--task", task,
                "--train", TestData.gsm8k("train.jsonl").toString(),
                "--eval", TestData.gsm8k("test.jsonl").toString()), "aha config check of the seed's GSM8K task");
    }

    @ParameterizedTest
    @ValueSource(strings = {"learner,dispatcher", "rollout", "reward"})
    void configMapPassesTheStartUpChecksOfEveryRole(String roles, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("aha.conf");
        Files.writeString(file, object("ConfigMap", "aha-config").at("/data/aha.conf").asText());
        assertEquals(0, ShippedConfigsTest.check(file, roles), "aha config check " + file + " --roles " + roles);
    }

    // ---- container recipe ----

    @Test
    void dockerfileBuildsTheDistAndRunsTheLauncher() throws IOException {
        assertTrue(Files.isRegularFile(DOCKERFILE), "no Dockerfile at " + DOCKERFILE.toAbsolutePath());
        List<String> lines = Files.readAllLines(DOCKERFILE).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FROM maven:3.9-eclipse-temurin-17")), "build stage image");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FROM eclipse-temurin:17-jre")), "runtime stage image");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("RUN") && l.contains("mvn -B -DskipTests package")),
                "the build stage must run mvn -B -DskipTests package");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY --from=build")
                        && l.contains("deploy/target/dist") && l.endsWith("/opt/aha/deploy/target/dist")),
                "the runtime stage must copy the dist to /opt/aha/deploy/target/dist (where deploy/bin/aha looks)");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY --from=build")
                        && l.contains("deploy/bin/aha") && l.endsWith("/opt/aha/deploy/bin/aha")),
                "the runtime stage must copy the launcher to /opt/aha/deploy/bin/aha");
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).reduce((a, b) -> b)
                .orElseGet(() -> fail("the Dockerfile has no ENTRYPOINT"));
        assertTrue(entrypoint.contains("/opt/aha/bin/aha"), "ENTRYPOINT must run the aha launcher: " + entrypoint);
    }

    /** Code rewards run programs in bubblewrap with the system's Python: the shipped image must carry both. */
    @Test
    void dockerfileInstallsBubblewrapAndPython3InTheRuntimeImage() throws IOException {
        List<String> runtime = runtimeStage(dockerInstructions());
        String install = runtime.stream().filter(l -> l.startsWith("RUN") && l.contains("apt-get install"))
                .findFirst().orElseGet(() -> fail("the runtime stage installs no packages: " + runtime));
        List<String> words = List.of(install.split("\\s+"));
        for (String word : List.of("bubblewrap", "python3", "--no-install-recommends", "-y")) {
            assertTrue(words.contains(word), "the runtime stage's apt-get install needs " + word + ": " + install);
        }
        assertTrue(install.contains("apt-get update"), "update the package lists in the same RUN: " + install);
        assertTrue(install.contains("rm -rf /var/lib/apt/lists"), "clean the apt lists in the same RUN: " + install);
        int user = runtime.stream().filter(l -> l.startsWith("USER")).findFirst().map(runtime::indexOf).orElse(-1);
        assertTrue(user < 0 || runtime.indexOf(install) < user,
                "packages must be installed before USER drops root: " + runtime);
    }

    /** The default image is the CPU build; the CUDA one (the GPU variant's image) is a build argument away. */
    @Test
    void dockerfileBuildsTheCpuImageUnlessAskedForCuda() throws IOException {
        List<String> lines = dockerInstructions();
        assertTrue(lines.contains("ARG AHA_MAVEN_ARGS=\"\""), "ARG AHA_MAVEN_ARGS must default to nothing: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("RUN") && l.contains("mvn -B -DskipTests package")
                        && l.endsWith("${AHA_MAVEN_ARGS}")),
                "the build's mvn must take ${AHA_MAVEN_ARGS} (-Pcuda for the GPU image)");
    }

    /**
     * The runtime image has no compiler, so MKL's vendor-check bypass is compiled in a stage of its own and shipped
     * where deploy/bin/aha looks first (the distribution's native/ folder), from the source the launcher builds.
     */
    @Test
    void dockerfileShipsTheMklVendorBypassWhereTheLauncherLooks() throws IOException {
        List<String> lines = dockerInstructions();
        String compile = lines.stream().filter(l -> l.startsWith("RUN") && l.contains("aha_mkl_vendor.c")).findFirst()
                .orElseGet(() -> fail("no stage compiles deploy/src/main/native/aha_mkl_vendor.c: " + lines));
        assertTrue(compile.contains("cc -shared -fPIC -O2 -o /out/libaha_mkl_vendor.so"), compile);
        assertTrue(lines.contains("COPY deploy/src/main/native/aha_mkl_vendor.c /src/aha_mkl_vendor.c"), lines.toString());
        assertTrue(Files.isRegularFile(Path.of("src/main/native/aha_mkl_vendor.c")), "the source is missing");
        List<String> runtime = runtimeStage(lines);
        assertTrue(runtime.contains("COPY --from=native /out/libaha_mkl_vendor.so "
                + "/opt/aha/deploy/target/dist/native/libaha_mkl_vendor.so"), "the runtime stage must ship it: " + runtime);
        assertTrue(Files.readString(Path.of("bin/aha")).contains("lib=\"$dist/native/libaha_mkl_vendor.so\""),
                "the launcher no longer looks in the distribution's native/ folder");
    }

    /** The Dockerfile's instructions, comments and blank lines dropped, continuation lines joined. */
    private static List<String> dockerInstructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            boolean continued = line.endsWith("\\");
            pending.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                out.add(pending.toString().strip());
                pending.setLength(0);
            }
        }
        return out;
    }

    /** The instructions from the last FROM on: what the shipped image is made of. */
    private static List<String> runtimeStage(List<String> instructions) {
        int from = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM")) from = i;
        }
        assertTrue(from >= 0, "the Dockerfile has no FROM");
        return instructions.subList(from, instructions.size());
    }

    // ---- helpers ----

    private static String name(JsonNode doc) {
        return doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText();
    }

    private static JsonNode object(String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.at("/metadata/name").asText()))
                .findFirst()
                .orElseGet(() -> fail("no " + kind + " named " + name + " in " + K8S + "; found "
                        + docs.stream().map(K8sManifestsTest::name).collect(Collectors.toList())));
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).collect(Collectors.toList());
        assertEquals(1, found.size(), "expected exactly one " + kind);
        return found.get(0);
    }

    private static JsonNode workload(String name) {
        return docs.stream()
                .filter(d -> Set.of("StatefulSet", "Deployment").contains(d.path("kind").asText()))
                .filter(d -> name.equals(d.at("/metadata/name").asText()))
                .findFirst().orElseGet(() -> fail("no workload named " + name));
    }

    private static void assertWorkload(String kind, String name, String role, int replicas) {
        JsonNode w = object(kind, name);
        for (String path : List.of("/metadata/labels", "/spec/selector/matchLabels", "/spec/template/metadata/labels")) {
            assertEquals("aha", w.at(path + "/app").asText(), name + ": " + path + " must carry app=aha");
            assertEquals(role, w.at(path + "/role").asText(), name + ": " + path + " must carry role=" + role);
        }
        if (replicas >= 0) {
            assertEquals(replicas, w.at("/spec/replicas").asInt(-1), name + ": replicas");
        }
        assertTrue(WORKLOADS.contains(name));
    }

    private static JsonNode podSpec(String workload) {
        return workload(workload).at("/spec/template/spec");
    }

    /** The Aha container: the one running the launcher (the pod's only regular container). */
    private static JsonNode container(String workload) {
        JsonNode containers = podSpec(workload).path("containers");
        assertEquals(1, containers.size(), workload + ": expected exactly one container");
        return containers.get(0);
    }

    private static List<String> args(JsonNode container) {
        List<String> args = texts(container.path("args"));
        assertFalse(args.isEmpty(), container.path("name").asText() + ": no args");
        return args;
    }

    private static void assertOption(List<String> args, String option, String value, String workload) {
        int i = args.indexOf(option);
        assertTrue(i >= 0 && i + 1 < args.size(), workload + ": no " + option + " in " + args);
        assertEquals(value, args.get(i + 1), workload + ": value of " + option);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) return e;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static void assertPort(JsonNode container, String workload, String name, int port, String protocol) {
        JsonNode found = null;
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) found = p;
        }
        assertNotNull(found, workload + ": no container port named " + name);
        assertEquals(port, found.path("containerPort").asInt(), workload + ": port " + name);
        assertEquals(protocol, found.path("protocol").asText("TCP"), workload + ": protocol of port " + name);
    }

    /** The name of the volume mounted at mountPath (fails when nothing is mounted there). */
    private static String mountedVolume(JsonNode container, String workload, String mountPath) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (mountPath.equals(m.path("mountPath").asText())) return m.path("name").asText();
        }
        return fail(workload + ": nothing mounted at " + mountPath);
    }

    private static JsonNode volume(JsonNode podSpec, String workload, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (name.equals(v.path("name").asText())) return v;
        }
        return fail(workload + ": no pod volume named " + name);
    }

    private static void assertProbe(JsonNode container, String workload, String probe, String path) {
        JsonNode get = container.at("/" + probe + "/httpGet");
        assertFalse(get.isMissingNode(), workload + ": no " + probe + " httpGet");
        assertEquals(path, get.path("path").asText(), workload + ": " + probe + " path");
        assertEquals("management", get.path("port").asText(), workload + ": " + probe + " must use port 'management'");
    }

    private static Config ahaConf() {
        String hocon = object("ConfigMap", "aha-config").at("/data/aha.conf").asText();
        assertFalse(hocon.isBlank(), "ConfigMap aha-config has no aha.conf");
        return ConfigFactory.parseString(hocon);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }
}
