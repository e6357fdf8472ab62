package io.sparkk8s.it.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.http.daemon.BearerTokens;
import io.sparkk8s.http.daemon.DaemonMetrics;
import io.sparkk8s.http.daemon.DaemonSettings;
import io.sparkk8s.http.daemon.KubernetesSubmissionBackend;
import io.sparkk8s.http.daemon.RequestDigest;
import io.sparkk8s.http.daemon.SubmissionDaemon;
import io.sparkk8s.http.daemon.SubmissionTranslator;
import io.sparkk8s.http.daemon.UploadSettings;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.submission.cli.SubmissionCli;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against the real API server, running as the ServiceAccount of {@code deploy/daemon/rbac.yaml}
 * with exactly the rights that manifest grants: submit, get, list, idempotent retry, events, kill;
 * a second replica and the CLI see the same submissions.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SubmissionDaemonIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "daemon-it");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-token-4f9c2a7e";
    private static final String OTHER_TOKEN = "it-token-other-1b3d";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    /** One daemon replica: its own submitter and client, as the ServiceAccount. */
    private record Replica(SubmissionDaemon daemon, SparkKubernetesSubmitter submitter,
        KubernetesSubmissionBackend backend, KubernetesClient client, URI base) implements AutoCloseable {

        static Replica start(KubernetesTestContext ctx, KubernetesClient client) throws Exception {
            return start(ctx, client, Optional.empty());
        }

        static Replica start(KubernetesTestContext ctx, KubernetesClient client, Optional<UploadSettings> uploads)
            throws Exception {
            var tokens = BearerTokens.parse(List.of(TOKEN + " " + ctx.namespace(), OTHER_TOKEN + " elsewhere"),
                "test");
            SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().actorSystem(SYSTEM)
                .kubernetesClient(client).build();
            DaemonMetrics metrics = new DaemonMetrics();
            DaemonSettings settings = DaemonSettings.fromConfig(SYSTEM.settings().config())
                .withBinding("127.0.0.1", 0);
            KubernetesSubmissionBackend backend = new KubernetesSubmissionBackend(submitter, client,
                SYSTEM.dispatchers().lookup(DispatcherSelector.blocking()), Duration.ofMillis(500), metrics);
            SubmissionDaemon daemon = SubmissionDaemon.start(SYSTEM, settings, uploads, backend,
                new SubmissionTranslator("k8s://" + ctx.masterUrl()), () -> tokens, metrics)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new Replica(daemon, submitter, backend, client, URI.create("http://127.0.0.1:"
                + daemon.binding().localAddress().getPort()));
        }

        HttpResponse<String> send(String method, String path, String token, String body, String... headers)
            throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws Exception {
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            backend.close();
            submitter.close();
        }

        /** Every item of a list, page by page ({@code limit} each), in the order the pages give them. */
        List<JsonNode> listAll(String query, int limit) throws Exception {
            List<JsonNode> items = new ArrayList<>();
            String token = null;
            do {
                HttpResponse<String> page = send("GET", "/v1/submissions?limit=" + limit + (query.isEmpty() ? ""
                    : "&" + query) + (token == null ? "" : "&pageToken=" + token), TOKEN, null);
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(page.body());
                body.get("items").forEach(items::add);
                token = body.hasNonNull("nextPageToken") ? body.get("nextPageToken").asText() : null;
            } while (token != null);
            return items;
        }

        List<String> listedPodNames(String query) throws Exception {
            return listAll(query, 100).stream().map(n -> n.get("driverPodName").asText()).toList();
        }
    }

    private static String body(KubernetesTestContext ctx, String name) {
        return "{\"name\":\"" + name + "\",\"namespace\":\"" + ctx.namespace() + "\",\"mainClass\":"
            + "\"org.apache.spark.examples.SparkPi\",\"primaryResource\":"
            + "\"local:///opt/spark/examples/jars/spark-examples.jar\",\"args\":[\"1000\"],\"conf\":{"
            + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.1\"}}";
    }

    @Test
    void submitsReadsRetriesWatchesAndKillsWithTheDeployedRightsOnly(KubernetesTestContext ctx) throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica daemon = Replica.start(ctx, asDaemon)) {
            HttpResponse<String> created = daemon.send("POST", "/v1/submissions", TOKEN, body(ctx, "daemon-pi"),
                "Idempotency-Key", "nightly-2026-11-25");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode submission = JSON.readTree(created.body());
            // The pod exists and the API server created it Pending: the answer says so, not SUBMITTED.
            assertThat(submission.get("state").asText()).isEqualTo("PENDING");
            String id = submission.get("id").asText();
            Pod pod = ctx.client().pods().inNamespace(ctx.namespace()).withName(submission.get("driverPodName")
                .asText()).get();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(pod.getMetadata().getLabels()).containsEntry("spark-app-selector", id)
                .containsEntry("spark-role", "driver").containsKey(KubernetesSubmissionBackend.IDEMPOTENCY_LABEL);
            assertThat(pod.getMetadata().getAnnotations()).containsKey(RequestDigest.ANNOTATION);

            HttpResponse<String> retried = daemon.send("POST", "/v1/submissions", TOKEN, body(ctx, "daemon-pi"),
                "Idempotency-Key", "nightly-2026-11-25");
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(retried.body()).get("id").asText()).isEqualTo(id);
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
                .getItems()).hasSize(1);

            HttpResponse<String> log = daemon.send("GET", "/v1/submissions/" + id + "/log?tail=10", TOKEN, null);
            assertThat(log.statusCode()).as("pods/log is granted: %s", log.body()).isEqualTo(200);
            JsonNode got = JSON.readTree(daemon.send("GET", "/v1/submissions/" + id, TOKEN, null).body());
            assertThat(got.get("state").asText()).isEqualTo("PENDING");
            assertThat(got.get("name").asText()).isEqualTo("daemon-pi");
            JsonNode list = JSON.readTree(daemon.send("GET", "/v1/submissions?state=PENDING", TOKEN, null).body());
            assertThat(list.get("items")).extracting(n -> n.get("id").asText()).containsExactly(id);
            assertThat(daemon.send("GET", "/v1/submissions/" + id, OTHER_TOKEN, null).statusCode()).isEqualTo(404);
            assertThat(daemon.send("POST", "/v1/submissions", OTHER_TOKEN, body(ctx, "x"), new String[0])
                .statusCode()).isEqualTo(403);

            CompletableFuture<List<String>> events = CompletableFuture.supplyAsync(() -> readEvents(daemon, id));
            HttpResponse<String> killed = daemon.send("DELETE", "/v1/submissions/" + id, TOKEN, null);
            assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
            assertThat(JSON.readTree(killed.body()).get("state").asText()).isEqualTo("KILLED");
            assertThat(events.get(60, TimeUnit.SECONDS)).last().isEqualTo("KILLED");
            await().atMost(Duration.ofSeconds(30)).until(() -> ctx.client().pods().inNamespace(ctx.namespace())
                .withName(pod.getMetadata().getName()).get() == null);
        }
    }

    @Test
    void theDeployedRightsGrantNothingBeyondSubmitting(KubernetesTestContext ctx) throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx)) {
            assertForbidden(() -> asDaemon.secrets().inNamespace(ctx.namespace()).list());
            assertForbidden(() -> asDaemon.pods().inNamespace("default").list());
            assertForbidden(() -> asDaemon.apps().deployments().inNamespace(ctx.namespace()).list());
            assertForbidden(() -> asDaemon.rbac().roles().inNamespace(ctx.namespace()).list());
            assertForbidden(() -> asDaemon.namespaces().list());
            assertForbidden(() -> asDaemon.serviceAccounts().inNamespace(ctx.namespace()).list());
        }
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void aSecondReplicaAndTheCliSeeTheSameSubmissions(KubernetesTestContext ctx) throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica first = Replica.start(ctx, asDaemon);
            Replica second = Replica.start(ctx, asDaemon)) {
            String id = JSON.readTree(first.send("POST", "/v1/submissions", TOKEN, body(ctx, "shared-pi")).body())
                .get("id").asText();
            JsonNode seen = JSON.readTree(second.send("GET", "/v1/submissions/" + id, TOKEN, null).body());
            assertThat(seen.get("state").asText()).isEqualTo("PENDING");

            int status = SubmissionCli.run(Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME",
                "/nonexistent"), "status", ctx.namespace() + ":" + seen.get("driverPodName").asText(), "--master",
                "k8s://" + ctx.masterUrl());
            assertThat(status).isZero();
            // The second replica's driver-pod informer starts with this list; the CLI's pod comes later.
            assertThat(second.listedPodNames("")).containsExactly(seen.get("driverPodName").asText());

            Map<String, String> env = Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME", "/nonexistent");
            int submitted = SubmissionCli.run(env, "submit", "--master", "k8s://" + ctx.masterUrl(),
                "--deploy-mode", "cluster", "--name", "cli-pi",
                "--class", "org.apache.spark.examples.SparkPi",
                "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
                "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
                "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
                "local:///opt/spark/examples/jars/spark-examples.jar");
            assertThat(submitted).isZero();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(second.listedPodNames(""))
                .hasSize(2).anyMatch(name -> name.startsWith("cli-pi")));
            assertThat(first.listedPodNames("")).isEqualTo(second.listedPodNames(""));
        }
    }

    @Test
    void driverPodsMadeByOthersAppearAndDisappearInListsWithoutARestartAndFiltersApply(KubernetesTestContext ctx)
        throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica daemon = Replica.start(ctx, asDaemon)) {
            // The first list starts the daemon's informer for the namespace; everything below comes after it.
            assertThat(daemon.listedPodNames("")).isEmpty();

            createDriverPod(ctx, "blue-driver", "app-blue", Map.of("team", "blue"));
            createDriverPod(ctx, "red-driver", "app-red", Map.of("team", "red"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(daemon.listedPodNames(""))
                .containsExactlyInAnyOrder("blue-driver", "red-driver"));
            assertThat(daemon.listAll("", 10)).extracting(n -> n.get("id").asText())
                .containsExactlyInAnyOrder("app-blue", "app-red");
            assertThat(daemon.listedPodNames("label=team%3Dblue")).containsExactly("blue-driver");
            assertThat(daemon.listedPodNames("label=team%3Dgreen")).isEmpty();

            ctx.client().pods().inNamespace(ctx.namespace()).withName("red-driver").editStatus(p -> new PodBuilder(p)
                .editOrNewStatus().withPhase("Succeeded").endStatus().build());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                daemon.listedPodNames("state=SUCCEEDED")).containsExactly("red-driver"));
            assertThat(daemon.listedPodNames("state=PENDING")).containsExactly("blue-driver");
            assertThat(daemon.listedPodNames("state=PENDING&state=SUCCEEDED&label=team%3Dred"))
                .containsExactly("red-driver");

            ctx.client().pods().inNamespace(ctx.namespace()).withName("blue-driver").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(daemon.listedPodNames(""))
                .containsExactly("red-driver"));

            // Lists are answered from the informer's cache: with the right to list pods withdrawn (watch kept),
            // a direct list is refused but the daemon still answers, and still sees new pods.
            ctx.client().rbac().roles().inNamespace(ctx.namespace()).withName("spark-k8s-daemon-submitter")
                .edit(r -> new RoleBuilder(r).editFirstRule().removeFromVerbs("list").endRule().build());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertForbidden(() -> asDaemon.pods()
                .inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()));
            createDriverPod(ctx, "late-driver", "app-late", Map.of());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(daemon.listedPodNames(""))
                .containsExactlyInAnyOrder("red-driver", "late-driver"));
        }
    }

    @Test
    void pagingOverManyDriverPodsGivesEveryPodOnceInKeyOrderOnEitherReplica(KubernetesTestContext ctx)
        throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica first = Replica.start(ctx, asDaemon);
            Replica second = Replica.start(ctx, asDaemon)) {
            for (int i = 0; i < 125; i++) {
                createDriverPod(ctx, String.format("paged-%03d", i), "paged-app-" + i, Map.of());
            }
            // The first replica's informer starts with half of the pods present, the rest arrive by its watch.
            assertThat(first.listedPodNames("")).hasSize(125);
            for (int i = 125; i < 250; i++) {
                createDriverPod(ctx, String.format("paged-%03d", i), "paged-app-" + i, Map.of());
            }
            List<String> expected = ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver")
                .list().getItems().stream()
                .sorted(java.util.Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() + "|"
                    + p.getMetadata().getNamespace() + "|" + p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName()).toList();
            assertThat(expected).hasSize(250);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(first.listAll("", 37))
                .extracting(n -> n.get("driverPodName").asText()).containsExactlyElementsOf(expected));
            assertThat(second.listAll("", 37)).extracting(n -> n.get("driverPodName").asText())
                .containsExactlyElementsOf(expected);
            assertThat(second.listAll("", 500)).extracting(n -> n.get("driverPodName").asText())
                .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aNamespaceTheDaemonMayNotWatchIsAnsweredWithTheApiServersRefusalEveryTime(KubernetesTestContext ctx)
        throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica daemon = Replica.start(ctx, asDaemon)) {
            KubernetesClientException direct = org.junit.jupiter.api.Assertions.assertThrows(
                KubernetesClientException.class, () -> asDaemon.pods().inNamespace("elsewhere")
                    .withLabel("spark-role", "driver").list());
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<String> refused = daemon.send("GET", "/v1/submissions", OTHER_TOKEN, null);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
                JsonNode error = JSON.readTree(refused.body());
                assertThat(error.get("error").asText()).isEqualTo("kubernetes_api_error");
                assertThat(error.get("message").asText()).isEqualTo("the Kubernetes API server answered 403: "
                    + direct.getStatus().getMessage()).contains("cannot list resource \"pods\"").contains("elsewhere");
            }
            // The refusal in one namespace does not stop the lists of the namespaces the daemon may read.
            createDriverPod(ctx, "allowed-driver", "app-allowed", Map.of());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(daemon.listedPodNames(""))
                .containsExactly("allowed-driver"));
        }
    }

    /** A driver pod created with a plain fabric8 call, as any other tool that follows the labels would. */
    private static void createDriverPod(KubernetesTestContext ctx, String name, String appId,
        Map<String, String> labels) {
        ctx.client().pods().inNamespace(ctx.namespace()).resource(new PodBuilder().withNewMetadata().withName(name)
            .addToLabels("spark-role", "driver").addToLabels("spark-app-selector", appId).addToLabels(labels)
            .endMetadata().withNewSpec().addNewContainer().withName("spark-kubernetes-driver")
            .withImage("apache/spark:3.5.1").endContainer().withRestartPolicy("Never").endSpec().build()).create();
    }

    @Test
    void twoReplicasRacingWithOneIdempotencyKeySubmitOnce(KubernetesTestContext ctx) throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica first = Replica.start(ctx, asDaemon);
            Replica second = Replica.start(ctx, asDaemon)) {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> post(first, ctx, key));
                CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> post(second, ctx, key));
                HttpResponse<String> ra = a.get(60, TimeUnit.SECONDS);
                HttpResponse<String> rb = b.get(60, TimeUnit.SECONDS);

                assertThat(List.of(ra.statusCode(), rb.statusCode())).as("%s / %s", ra.body(), rb.body())
                    .containsExactlyInAnyOrder(201, 200);
                assertThat(JSON.readTree(ra.body()).get("id")).isEqualTo(JSON.readTree(rb.body()).get("id"));
            }
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
                .getItems()).hasSize(5);
        }
    }

    @Test
    void aKeyReusedWithAnotherRequestIsRefusedByEitherReplicaAndTheSameRequestReplays(KubernetesTestContext ctx)
        throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica first = Replica.start(ctx, asDaemon);
            Replica second = Replica.start(ctx, asDaemon)) {
            String key = "reused-key";
            HttpResponse<String> created = first.send("POST", "/v1/submissions", TOKEN, body(ctx, "digest-pi"),
                "Idempotency-Key", key);
            HttpResponse<String> otherOnSecond = second.send("POST", "/v1/submissions", TOKEN, body(ctx, "digest-pi")
                .replace("\"1000\"", "\"2000\""), "Idempotency-Key", key);
            HttpResponse<String> otherOnFirst = first.send("POST", "/v1/submissions", TOKEN, body(ctx, "other-pi"),
                "Idempotency-Key", key);
            HttpResponse<String> sameOnSecond = second.send("POST", "/v1/submissions", TOKEN, body(ctx, "digest-pi"),
                "Idempotency-Key", key);

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            for (HttpResponse<String> refused : List.of(otherOnSecond, otherOnFirst)) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
                assertThat(JSON.readTree(refused.body()).get("field").asText()).isEqualTo("Idempotency-Key");
            }
            assertThat(sameOnSecond.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(sameOnSecond.body()).get("id")).isEqualTo(JSON.readTree(created.body()).get("id"));
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
                .getItems()).hasSize(1);
        }
    }

    @Test
    void aMultipartSubmissionsBundleIsCheckedStagedAndNamedToTheInitContainerAndOneLackingAFileLeavesNothing(
        KubernetesTestContext ctx, @TempDir Path dir) throws Exception {
        ResourceStagingServer staging = ResourceStagingServer.start(SYSTEM, new StagingServerSettings("127.0.0.1", 0,
                Files.createDirectories(dir.resolve("store")), 1024 * 1024, 64 * 1024, Duration.ofSeconds(30), null,
                Duration.ofMinutes(30), Duration.ofMinutes(1), Optional.empty()))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        URI stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        String internalUri = "http://spark-k8s-staging.spark-k8s.svc:10000";
        byte[] jars = tar("etl.jar", new byte[] {'P', 'K', 3, 4, 42}, "dep.jar", new byte[] {'P', 'K', 3, 4, 7});
        UploadSettings uploads = new UploadSettings(Optional.of(stagingUri), internalUri, 1024 * 1024,
            Duration.ofMinutes(5));
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx);
            Replica daemon = Replica.start(ctx, asDaemon, Optional.of(uploads))) {
            String submission = "{\"name\":\"etl\",\"namespace\":\"" + ctx.namespace() + "\",\"mainClass\":"
                + "\"com.example.Etl\",\"primaryResource\":\"etl.jar\",\"jars\":[\"dep.jar\"],\"conf\":{"
                + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.1\","
                + "\"spark.kubernetes.initContainer.image\":\"spark-k8s-init:it\"}}";

            // First a bundle that lacks a named jar, after a files bundle that was staged: 400 naming the part
            // and the file, no driver pod or other resource, and nothing left on the staging server.
            Map<String, byte[]> lacking = new LinkedHashMap<>();
            lacking.put("files", tar(Map.of("job.conf", "rows=10\n".getBytes(StandardCharsets.UTF_8))));
            lacking.put("jars", tar(Map.of("etl.jar", new byte[] {'P', 'K', 3, 4, 42})));
            HttpResponse<String> refused = postMultipart(daemon, submission.replace("\"jars\"",
                "\"files\":[\"job.conf\"],\"jars\""), lacking);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).get("field").asText()).isEqualTo("jars");
            assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("'dep.jar' (jars)")
                .contains("it holds 'etl.jar'");
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).list().getItems()).isEmpty();
            assertThat(ctx.client().secrets().inNamespace(ctx.namespace()).withLabel("spark-app-selector").list()
                .getItems()).isEmpty();
            assertThat(ctx.client().configMaps().inNamespace(ctx.namespace()).withLabel("spark-app-selector").list()
                .getItems()).isEmpty();
            Path store = dir.resolve("store");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (var stored = Files.walk(store)) {
                    assertThat(stored.filter(Files::isRegularFile).toList()).isEmpty();
                }
            });
            HttpResponse<String> created = postMultipart(daemon, submission, Map.of("jars", jars));

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).get("id").asText();
            Pod pod = ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-app-selector", id).list()
                .getItems().get(0);
            assertThat(pod.getSpec().getInitContainers()).extracting(c -> c.getName()).contains("spark-init");
            Properties init = new Properties();
            ConfigMap initConfig = ctx.client().configMaps().inNamespace(ctx.namespace())
                .withLabel("spark-app-selector", id).list().getItems().stream()
                .filter(c -> c.getData() != null && c.getData().containsKey("spark-init.properties")).findFirst()
                .orElseThrow();
            init.load(new java.io.StringReader(initConfig.getData().get("spark-init.properties")));
            String bundleId = init.getProperty("spark.kubernetes.initcontainer.downloadJarsResourceIdentifier");
            assertThat(bundleId).isNotBlank();
            assertThat(init.getProperty("spark.kubernetes.resourceStagingServer.uri")).isEqualTo(internalUri);
            String secretLocation = init.getProperty("spark.kubernetes.initcontainer.downloadJarsSecretLocation");
            Secret secret = ctx.client().secrets().inNamespace(ctx.namespace()).withLabel("spark-app-selector", id)
                .list().getItems().stream().filter(x -> x.getData() != null && x.getData().containsKey(
                    secretLocation.substring(secretLocation.lastIndexOf('/') + 1))).findFirst().orElseThrow();
            String bundleSecret = new String(Base64.getDecoder().decode(secret.getData().get(
                secretLocation.substring(secretLocation.lastIndexOf('/') + 1))), StandardCharsets.UTF_8);

            byte[] downloaded = new ResourceStagingClient(SYSTEM, stagingUri, Optional.empty()).download(bundleId,
                    bundleSecret, Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat))
                .toCompletableFuture().get(30, TimeUnit.SECONDS).toArray();
            assertThat(downloaded).isEqualTo(jars);
            assertThat(JSON.readTree(daemon.send("GET", "/v1/submissions/" + id, TOKEN, null).body()).get("state")
                .asText()).isEqualTo("PENDING");
        } finally {
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void killingAFinishedSubmissionDeletesItsDriverPodAsTheCliDoes(KubernetesTestContext ctx) throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica daemon = Replica.start(ctx, asDaemon)) {
            JsonNode created = JSON.readTree(daemon.send("POST", "/v1/submissions", TOKEN, body(ctx, "done-pi"))
                .body());
            String id = created.get("id").asText();
            String podName = created.get("driverPodName").asText();
            // No kubelet here: the driver's end is written into the pod's status, as a kubelet would.
            ctx.client().pods().inNamespace(ctx.namespace()).withName(podName).editStatus(p -> {
                p.getStatus().setPhase("Succeeded");
                return p;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(daemon.send("GET", "/v1/submissions/"
                + id, TOKEN, null).body()).get("state").asText().equals("SUCCEEDED"));

            HttpResponse<String> killed = daemon.send("DELETE", "/v1/submissions/" + id, TOKEN, null);

            assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
            assertThat(JSON.readTree(killed.body()).get("state").asText()).isEqualTo("SUCCEEDED");
            await().atMost(Duration.ofSeconds(30)).until(() -> ctx.client().pods().inNamespace(ctx.namespace())
                .withName(podName).get() == null);
        }
    }

    /**
     * No kubelet here: a pod bound to a node waits for its kubelet to end a graceful deletion, so it keeps its
     * deletionTimestamp and deletionGracePeriodSeconds (an unbound pod is deleted at once whatever the grace).
     */
    static void bindToANode(KubernetesTestContext ctx, String podName) {
        ctx.client().bindings().inNamespace(ctx.namespace()).resource(new BindingBuilder()
            .withNewMetadata().withName(podName).endMetadata()
            .withNewTarget().withApiVersion("v1").withKind("Node").withName("it-node").endTarget()
            .build()).create();
    }

    @Test
    void aKillWithAGracePeriodDeletesTheDriverPodWithItAndABadOneKillsNothing(KubernetesTestContext ctx)
        throws Exception {
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx); Replica daemon = Replica.start(ctx, asDaemon)) {
            JsonNode created = JSON.readTree(daemon.send("POST", "/v1/submissions", TOKEN, body(ctx, "graceful-pi"))
                .body());
            String id = created.get("id").asText();
            String podName = created.get("driverPodName").asText();
            bindToANode(ctx, podName);

            HttpResponse<String> refused = daemon.send("DELETE", "/v1/submissions/" + id + "?gracePeriodSeconds=-5",
                TOKEN, null);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).get("field").asText()).isEqualTo("gracePeriodSeconds");
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withName(podName).get().getMetadata()
                .getDeletionTimestamp()).isNull();

            HttpResponse<String> killed = daemon.send("DELETE", "/v1/submissions/" + id + "?gracePeriodSeconds=45",
                TOKEN, null);

            assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
            assertThat(JSON.readTree(killed.body()).get("state").asText()).isEqualTo("KILLED");
            // the runtime's own delete came after the graceful one and did not cut it short
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> {
                Pod pod = ctx.client().pods().inNamespace(ctx.namespace()).withName(podName).get();
                return pod != null && pod.getMetadata().getDeletionTimestamp() != null
                    && Long.valueOf(45).equals(pod.getMetadata().getDeletionGracePeriodSeconds());
            });
        }
    }

    @Test
    void aMultipartSubmissionToAnHttpsStagingServerNeedsTheDaemonsTrustAndHandsItToTheInitContainer(
        KubernetesTestContext ctx, @TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("staging.p12");
        String password = "changeit-staging";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "staging", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
            keyStore.toString(), "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(output).isTrue();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        Path certPem = Files.writeString(dir.resolve("staging.crt.pem"), "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                store.getCertificate("staging").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        ResourceStagingServer staging = ResourceStagingServer.start(SYSTEM, new StagingServerSettings("127.0.0.1", 0,
                Files.createDirectories(dir.resolve("store")), 1024 * 1024, 64 * 1024, Duration.ofSeconds(30), null,
                Duration.ofMinutes(30), Duration.ofMinutes(1), Optional.of(StagingTls.serverFromKeyStore(keyStore,
                    password.toCharArray(), "PKCS12"))))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        URI stagingUri = URI.create("https://localhost:" + staging.binding().localAddress().getPort());
        byte[] jars = tar("etl.jar", new byte[] {'P', 'K', 3, 4, 42}, "dep.jar", new byte[] {'P', 'K', 3, 4, 7});
        UploadSettings trusting = UploadSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.daemon.uploads { staging-server-uri = \"" + stagingUri + "\", tls.trust-cert-pem = \""
                + certPem + "\" }"));
        UploadSettings untrusting = new UploadSettings(Optional.of(stagingUri), stagingUri.toString(), 1024 * 1024,
            Duration.ofMinutes(5));
        try (KubernetesClient asDaemon = applyRbacAndLogIn(ctx);
            Replica daemon = Replica.start(ctx, asDaemon, Optional.of(trusting));
            Replica blind = Replica.start(ctx, asDaemon, Optional.of(untrusting))) {
            HttpResponse<String> refused = postMultipart(blind, ctx, "blind-etl", jars);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
            assertThat(JSON.readTree(refused.body()).get("message").asText()).contains(stagingUri.toString())
                .contains("TLS").contains("spark-k8s.daemon.uploads.tls.trust-cert-pem");
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
                .getItems()).isEmpty();

            HttpResponse<String> created = postMultipart(daemon, ctx, "tls-etl", jars);

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).get("id").asText();
            Properties init = initProperties(ctx, id);
            String prefix = "spark.ssl.kubernetes.resourceStagingServer.";
            assertThat(init.getProperty(prefix + "enabled")).isEqualTo("true");
            String certLocation = init.getProperty(prefix + "clientCertPem");
            assertThat(certLocation).as("init properties: %s", init).isNotBlank();
            String certKey = certLocation.substring(certLocation.lastIndexOf('/') + 1);
            Secret secret = ctx.client().secrets().inNamespace(ctx.namespace()).withLabel("spark-app-selector", id)
                .list().getItems().stream().filter(x -> x.getData() != null && x.getData().containsKey(certKey))
                .findFirst().orElseThrow();
            assertThat(Base64.getDecoder().decode(secret.getData().get(certKey)))
                .isEqualTo(Files.readAllBytes(certPem));
            String secretLocation = init.getProperty("spark.kubernetes.initcontainer.downloadJarsSecretLocation");
            String bundleSecret = new String(Base64.getDecoder().decode(secret.getData().get(
                secretLocation.substring(secretLocation.lastIndexOf('/') + 1))), StandardCharsets.UTF_8);
            // What the init-container does with that Secret: trust the server by the mounted PEM, download.
            String bundleId = init.getProperty("spark.kubernetes.initcontainer.downloadJarsResourceIdentifier");
            byte[] downloaded = new ResourceStagingClient(SYSTEM, stagingUri, Optional.of(StagingTls.clientFromPem(
                    certPem))).download(bundleId, bundleSecret,
                    Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat))
                .toCompletableFuture().get(30, TimeUnit.SECONDS).toArray();
            assertThat(downloaded).isEqualTo(jars);
        } finally {
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> postMultipart(Replica daemon, KubernetesTestContext ctx, String name,
        byte[] jars) throws Exception {
        String submission = "{\"name\":\"" + name + "\",\"namespace\":\"" + ctx.namespace() + "\",\"mainClass\":"
            + "\"com.example.Etl\",\"primaryResource\":\"etl.jar\",\"jars\":[\"dep.jar\"],\"conf\":{"
            + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.1\","
            + "\"spark.kubernetes.initContainer.image\":\"spark-k8s-init:it\"}}";
        return postMultipart(daemon, submission, Map.of("jars", jars));
    }

    /** A multipart POST: the submission part, then each bundle part (a tar) in the map's order. */
    private static HttpResponse<String> postMultipart(Replica daemon, String submission, Map<String, byte[]> bundles)
        throws Exception {
        String boundary = "it-boundary-9c1e";
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"submission\"\r\n"
            + "Content-Type: application/json\r\n\r\n" + submission).getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> bundle : bundles.entrySet()) {
            body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + bundle.getKey()
                + "\"; filename=\"" + bundle.getKey() + ".tar\"\r\nContent-Type: application/x-tar\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
            body.write(bundle.getValue());
        }
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(daemon.base().resolve("/v1/submissions"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static Properties initProperties(KubernetesTestContext ctx, String id) throws Exception {
        Properties init = new Properties();
        ConfigMap initConfig = ctx.client().configMaps().inNamespace(ctx.namespace())
            .withLabel("spark-app-selector", id).list().getItems().stream()
            .filter(c -> c.getData() != null && c.getData().containsKey("spark-init.properties")).findFirst()
            .orElseThrow();
        init.load(new java.io.StringReader(initConfig.getData().get("spark-init.properties")));
        return init;
    }

    private static byte[] tar(String name1, byte[] data1, String name2, byte[] data2) throws Exception {
        return tar(Map.of(name1, data1, name2, data2));
    }

    private static byte[] tar(Map<String, byte[]> files) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (var e : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static HttpResponse<String> post(Replica replica, KubernetesTestContext ctx, String key) {
        try {
            return replica.send("POST", "/v1/submissions", TOKEN, body(ctx, "race-pi"), "Idempotency-Key", key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readEvents(Replica daemon, String id) {
        try {
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(daemon.base().resolve("/v1/submissions/"
                + id + "/events")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            List<String> states = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("data: ")) {
                        states.add(JSON.readTree(line.substring(6)).get("state").asText());
                    }
                }
            }
            return states;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the RBAC of deploy/daemon/rbac.yaml in the test namespace and returns a client of its account. */
    private static KubernetesClient applyRbacAndLogIn(KubernetesTestContext ctx) throws Exception {
        List<HasMetadata> items = DaemonManifestsIT.load(ctx, ctx.namespace()).stream()
            .filter(i -> i instanceof ServiceAccount || i instanceof Role || i instanceof RoleBinding).toList();
        assertThat(items).hasSize(3);
        items.forEach(item -> ctx.client().resource(item).inNamespace(ctx.namespace()).create());
        String account = items.stream().filter(i -> i instanceof ServiceAccount).findFirst().orElseThrow()
            .getMetadata().getName();
        String token = ctx.client().serviceAccounts().inNamespace(ctx.namespace()).withName(account)
            .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
            .getStatus().getToken();
        Config admin = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
            .withMasterUrl(ctx.masterUrl()).withCaCertData(admin.getCaCertData()).withCaCertFile(admin.getCaCertFile())
            .withOauthToken(token).withRequestRetryBackoffLimit(0).withNamespace(ctx.namespace()).build()).build();
    }
}
