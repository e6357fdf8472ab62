package io.sparkk8s.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionFilter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submission runtime against a real kube-apiserver: hundreds of submissions in flight through
 * {@link SparkKubernetesSubmitter}, some failing on purpose, driver pods moved through their phases
 * by the test as a kubelet would (patching pod status through the API).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SubmissionRuntimeIT {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionRuntimeIT.class);
    private static final String APP_ID_LABEL = "spark-app-selector";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    /** What a submission of the big run is meant to do. */
    enum Fate {
        /** Created, runs, exits 0. */
        SUCCEEDS,
        /** Created, runs, exits 1. */
        EXITS_ONE,
        /** Created, runs, killed through the API. */
        KILLED,
        /** The API server rejects the driver pod (invalid label value): 422, nothing created. */
        INVALID_POD,
        /** Pod and Service are created, then the ConfigMap is too large (422): both must be rolled back. */
        CONF_MAP_TOO_LARGE,
        /** Rejected by a configuration step before any call to the API server. */
        BAD_CONF
    }

    private static Fate fateOf(int i) {
        return switch (i % 10) {
            case 0, 1, 2, 3, 4 -> Fate.SUCCEEDS;
            case 5, 6 -> Fate.EXITS_ONE;
            case 7 -> Fate.KILLED;
            case 8 -> i % 20 == 8 ? Fate.INVALID_POD : Fate.CONF_MAP_TOO_LARGE;
            default -> i % 20 == 9 ? Fate.BAD_CONF : Fate.SUCCEEDS;
        };
    }

    private static SubmissionRequest request(String appName, String namespace, String masterUrl,
        Map<String, String> extra) {
        Map<String, String> conf = new HashMap<>(Map.of(
            "spark.kubernetes.container.image", "apache/spark:3.5.1",
            "spark.app.name", appName,
            "spark.kubernetes.namespace", namespace,
            "spark.driver.memory", "512m"));
        conf.putAll(extra);
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://" + masterUrl),
            Optional.of("org.apache.spark.examples.SparkPi"), appName,
            "local:///opt/spark/examples/jars/spark-examples.jar", List.of("1000"), SparkConf.of(conf),
            Optional.empty(), false);
    }

    /** A client of our own with enough concurrent requests for hundreds of submissions. */
    private static KubernetesClient client(KubernetesTestContext ctx) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        config.setMaxConcurrentRequests(256);
        config.setMaxConcurrentRequestsPerHost(256);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Test
    void fiveHundredSubmissionsInFlightSucceedFailOrAreKilledAndFailuresLeaveNothing(KubernetesTestContext ctx)
        throws Exception {
        String ns = ctx.namespace();
        KubernetesClient admin = ctx.client();
        String tooLarge = "x".repeat(1024 * 1024 + 1);
        int total = 500;
        Instant started = Instant.now();
        try (KubernetesClient client = client(ctx);
            SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().kubernetesClient(client)
                .maxInFlight(64).maxQueued(total).build()) {

            // Act 1: submit everything at once.
            List<CompletableFuture<SubmissionHandle>> submissions = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                Fate fate = fateOf(i);
                Map<String, String> extra = switch (fate) {
                    case INVALID_POD -> Map.of("spark.kubernetes.driver.label.team", "not a valid label value!");
                    case BAD_CONF -> Map.of("spark.kubernetes.driver.label.spark-role", "executor");
                    case CONF_MAP_TOO_LARGE -> Map.of("spark.sparkk8s.it.padding", tooLarge);
                    default -> Map.of();
                };
                submissions.add(submitter.submit(request("app-" + i + "-" + fate.name().toLowerCase()
                    .replace('_', '-'), ns, ctx.masterUrl(), extra)).toCompletableFuture());
            }
            CompletableFuture.allOf(submissions.stream().map(f -> f.handle((h, e) -> null))
                .toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            LOG.info("{} submissions answered in {} ms", total, Duration.between(started, Instant.now()).toMillis());

            Map<Fate, List<SubmissionHandle>> created = new HashMap<>();
            Map<Fate, List<SubmissionFailedException>> failed = new HashMap<>();
            for (int i = 0; i < total; i++) {
                Fate fate = fateOf(i);
                try {
                    SubmissionHandle handle = submissions.get(i).join();
                    created.computeIfAbsent(fate, k -> new ArrayList<>()).add(handle);
                } catch (CompletionException e) {
                    assertThat(e.getCause()).as("submission %d (%s)", i, fate)
                        .isInstanceOf(SubmissionFailedException.class);
                    failed.computeIfAbsent(fate, k -> new ArrayList<>()).add((SubmissionFailedException) e.getCause());
                }
            }

            // Assert 1: exactly the meant-to-fail ones failed, each with the reason from the server or the step.
            for (Fate fate : List.of(Fate.SUCCEEDS, Fate.EXITS_ONE, Fate.KILLED)) {
                assertThat(failed.get(fate)).as("%s failures", fate).isNull();
            }
            assertThat(created.get(Fate.INVALID_POD)).isNull();
            assertThat(created.get(Fate.CONF_MAP_TOO_LARGE)).isNull();
            assertThat(created.get(Fate.BAD_CONF)).isNull();
            assertThat(failed.get(Fate.INVALID_POD)).hasSize(25).allSatisfy(e -> assertThat(e)
                .hasMessageContaining("Invalid value").hasMessageContaining("not a valid label value!"));
            assertThat(failed.get(Fate.CONF_MAP_TOO_LARGE)).hasSize(25).allSatisfy(e -> assertThat(e)
                .hasMessageContaining("ConfigMap").hasMessageContaining("1048576"));
            assertThat(failed.get(Fate.BAD_CONF)).hasSize(25).allSatisfy(e -> assertThat(e)
                .hasMessageContaining("spark.kubernetes.driver.label.spark-role"));

            // Assert 2: every success exists on the server with the resources it owns.
            List<SubmissionHandle> all = created.values().stream().flatMap(List::stream).toList();
            assertThat(all).hasSize(total - 75);
            Map<String, Pod> pods = admin.pods().inNamespace(ns).list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getLabels().get(APP_ID_LABEL), Function.identity()));
            Map<String, Long> ownedConfigMaps = ownedCounts(admin.configMaps().inNamespace(ns).list().getItems());
            Map<String, Long> ownedServices = ownedCounts(admin.services().inNamespace(ns).list().getItems());
            for (SubmissionHandle handle : all) {
                Pod pod = pods.get(handle.submissionId());
                assertThat(pod).as("driver pod of %s", handle.submissionId()).isNotNull();
                assertThat(pod.getMetadata().getUid()).isEqualTo(handle.driverPodUid());
                assertThat(ownedConfigMaps.get(handle.driverPodUid())).as("config maps of %s", handle.submissionId())
                    .isEqualTo(1L);
                assertThat(ownedServices.get(handle.driverPodUid())).as("services of %s", handle.submissionId())
                    .isEqualTo(1L);
            }
            assertThat(pods).hasSize(all.size());

            // Assert 3: every failure left nothing (the ConfigMap ones had a pod and a Service created).
            for (SubmissionFailedException e : failed.values().stream().flatMap(List::stream).toList()) {
                String id = e.status().submissionId();
                assertThat(labelled(admin, ns, id)).as("objects of failed %s", id).isEmpty();
            }

            // Act 2: a kubelet starts every driver; the statuses follow through the shared informer.
            SubmissionHandle watchedSuccess = created.get(Fate.SUCCEEDS).get(0);
            CompletableFuture<List<SubmissionStatus>> watched = submitter.watch(watchedSuccess.submissionId())
                .runWith(Sink.seq(), submitter.actorSystem()).toCompletableFuture();
            ExecutorService kubelet = Executors.newFixedThreadPool(16);
            try {
                runAll(kubelet, all, h -> setPhase(admin, h, "Running", null));
                awaitStates(submitter, ns, all.size(), SubmissionState.RUNNING);

                // Act 3: drivers end, some are killed.
                List<CompletableFuture<?>> ends = new ArrayList<>();
                for (SubmissionHandle h : created.get(Fate.KILLED)) {
                    ends.add(submitter.kill(h.submissionId()).toCompletableFuture());
                }
                runAll(kubelet, created.get(Fate.SUCCEEDS), h -> setPhase(admin, h, "Succeeded", 0));
                runAll(kubelet, created.get(Fate.EXITS_ONE), h -> setPhase(admin, h, "Failed", 1));
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(),
                    TimeUnit.SECONDS);
            } finally {
                kubelet.shutdownNow();
            }

            // Assert 4: every state reached the right end.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> submitter
                .list(SubmissionFilter.all().inNamespace(ns)).toCompletableFuture().join().stream()
                .allMatch(s -> s.state().isTerminal()));
            Map<String, SubmissionStatus> statuses = submitter.list(SubmissionFilter.all()).toCompletableFuture()
                .join().stream().collect(Collectors.toMap(SubmissionStatus::submissionId, Function.identity()));
            // All but none: even the submissions a step rejected are known (as FAILED) to status and list.
            assertThat(statuses.size()).isEqualTo(total);
            created.get(Fate.SUCCEEDS).forEach(h -> assertThat(statuses.get(h.submissionId()))
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo(SubmissionState.SUCCEEDED);
                    assertThat(s.exitCode()).contains(0);
                }));
            created.get(Fate.EXITS_ONE).forEach(h -> assertThat(statuses.get(h.submissionId()))
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo(SubmissionState.FAILED);
                    assertThat(s.exitCode()).contains(1);
                    assertThat(s.terminationReason()).contains("Error");
                }));
            created.get(Fate.KILLED).forEach(h -> assertThat(statuses.get(h.submissionId()).state())
                .isEqualTo(SubmissionState.KILLED));
            failed.values().stream().flatMap(List::stream).filter(e -> statuses.containsKey(e.status()
                .submissionId())).forEach(e -> assertThat(statuses.get(e.status().submissionId()).state())
                .isEqualTo(SubmissionState.FAILED));
            assertThat(watched.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).extracting(SubmissionStatus::state)
                .containsSubsequence(SubmissionState.PENDING, SubmissionState.RUNNING, SubmissionState.SUCCEEDED);

            // Killed drivers are gone, and the garbage collector takes what they owned.
            for (SubmissionHandle h : created.get(Fate.KILLED)) {
                assertThat(admin.pods().inNamespace(ns).withName(h.driverPodName()).get()).isNull();
            }
            await().atMost(PATIENCE).until(() -> created.get(Fate.KILLED).stream()
                .allMatch(h -> labelled(admin, ns, h.submissionId()).isEmpty()));
            LOG.info("{} submissions ran to their ends in {} ms", total,
                Duration.between(started, Instant.now()).toMillis());
        }
    }

    @Test
    void theJavaApiDocumentExampleSubmitsAndFollowsTheDriverToItsEnd(KubernetesTestContext ctx) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder()
            .kubernetesClient(ctx.client()).build();
            PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            CompletableFuture<SubmissionStatus> example = CompletableFuture.supplyAsync(() -> {
                try {
                    return SubmitSparkPi.run(submitter, ctx.namespace(), out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> !ctx.client().pods().inNamespace(ctx.namespace())
                .list().getItems().isEmpty());
            Pod pod = ctx.client().pods().inNamespace(ctx.namespace()).list().getItems().get(0);
            SubmissionHandle handle = new SubmissionHandle(pod.getMetadata().getLabels().get("spark-app-selector"),
                ctx.namespace(), pod.getMetadata().getName(), pod.getMetadata().getUid());
            await().atMost(Duration.ofSeconds(60)).until(() -> output.toString(StandardCharsets.UTF_8)
                .contains("PENDING"));
            setPhase(ctx.client(), handle, "Running", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> output.toString(StandardCharsets.UTF_8)
                .contains("RUNNING"));
            setPhase(ctx.client(), handle, "Succeeded", 0);

            SubmissionStatus end = example.get(60, TimeUnit.SECONDS);
            assertThat(end.state()).isEqualTo(SubmissionState.SUCCEEDED);
            assertThat(end.exitCode()).contains(0);
            List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(0)).startsWith("submitted " + handle.submissionId() + " as " + ctx.namespace() + "/");
            assertThat(lines).anyMatch(l -> l.contains(": RUNNING")).last().asString()
                .contains(": SUCCEEDED, exit code 0, Completed");
        }
    }

    private static Map<String, Long> ownedCounts(List<? extends HasMetadata> objects) {
        return objects.stream().filter(o -> o.getMetadata().getOwnerReferences() != null)
            .flatMap(o -> o.getMetadata().getOwnerReferences().stream())
            .collect(Collectors.groupingBy(o -> o.getUid(), Collectors.counting()));
    }

    private static List<HasMetadata> labelled(KubernetesClient client, String namespace, String appId) {
        List<HasMetadata> found = new ArrayList<>();
        found.addAll(client.pods().inNamespace(namespace).withLabel(APP_ID_LABEL, appId).list().getItems());
        found.addAll(client.configMaps().inNamespace(namespace).withLabel(APP_ID_LABEL, appId).list().getItems());
        found.addAll(client.services().inNamespace(namespace).withLabel(APP_ID_LABEL, appId).list().getItems());
        found.addAll(client.secrets().inNamespace(namespace).withLabel(APP_ID_LABEL, appId).list().getItems());
        return found;
    }

    /** What a kubelet does when the driver container starts or ends: writes the pod's status. */
    static void setPhase(KubernetesClient client, SubmissionHandle handle, String phase, Integer exitCode) {
        client.pods().inNamespace(handle.namespace()).withName(handle.driverPodName()).editStatus(pod -> {
            var container = pod.getSpec().getContainers().get(0);
            ContainerStatusBuilder status = new ContainerStatusBuilder().withName(container.getName())
                .withImage(container.getImage()).withImageID("").withReady(exitCode == null).withRestartCount(0);
            String now = Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z");
            if (exitCode == null) {
                status.withNewState().withNewRunning().withStartedAt(now).endRunning().endState();
            } else {
                status.withNewState().withNewTerminated().withExitCode(exitCode)
                    .withReason(exitCode == 0 ? "Completed" : "Error").withStartedAt(now).withFinishedAt(now)
                    .endTerminated().endState();
            }
            return new PodBuilder(pod).editOrNewStatus().withPhase(phase).withContainerStatuses(status.build())
                .endStatus().build();
        });
    }

    private static void runAll(ExecutorService executor, List<SubmissionHandle> handles,
        java.util.function.Consumer<SubmissionHandle> action) throws Exception {
        List<CompletableFuture<Void>> done = handles.stream()
            .map(h -> CompletableFuture.runAsync(() -> action.accept(h), executor)).toList();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitStates(SparkKubernetesSubmitter submitter, String ns, int expected,
        SubmissionState state) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> submitter
            .list(SubmissionFilter.all().inNamespace(ns).inStates(state)).toCompletableFuture().join()
            .size() == expected);
    }
}
