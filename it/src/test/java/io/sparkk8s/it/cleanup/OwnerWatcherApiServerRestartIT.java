package io.sparkk8s.it.cleanup;

import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.awaitSynced;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.createPod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.deletePod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.NamespaceWatchStatus;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.ApiServerProcess;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.staging.store.NewBundle;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server the staging server talks to is stopped and started again while an owner is deleted.
 * The control plane is highly available: two kube-apiservers on one etcd. The staging server's owner
 * watcher talks to server A ({@link ApiServerProcess}); the owner pod is deleted through server B (the
 * class's main server, which the kube-controller-manager also uses) while A's process is stopped.
 * Once with the cleanup actors alone, once with the real staging server over HTTP and its
 * {@code /healthz}.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class OwnerWatcherApiServerRestartIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "restart-it");
    private static final Config CONFIG = ConfigFactory.load();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path storeRoot;

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    @Test
    void anOwnerDeletedWhileItsApiServerIsStoppedIsCleanedOnceThatServerIsBack(KubernetesTestContext ctx,
        ApiServerProcess apiServerA) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-api-restart");
        Map<String, String> keptLabels = Map.of("spark-app-selector", "spark-api-restart-survivor");
        KubernetesClient serverB = ctx.client();
        createPod(serverB, ctx.namespace(), "driver", labels);
        createPod(serverB, ctx.namespace(), "survivor", keptLabels);
        try (KubernetesClient viaA = new KubernetesClientBuilder().withConfig(new ConfigBuilder(apiServerA.config())
            .withWatchReconnectInterval(200).withRequestRetryBackoffLimit(1).build()).build();
            CleanupHarness cleanup = CleanupHarness.start(SYSTEM, viaA, storeRoot, "api-restart")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
            NewBundle kept = cleanup.stageAndDownload(owner(ctx.namespace(), keptLabels));
            awaitSynced(cleanup, ctx.namespace());

            apiServerA.stop();
            await("watch loss shown in health").atMost(Duration.ofSeconds(15)).until(() -> status(cleanup, ctx)
                .map(s -> !s.watching() && s.lastError().isPresent()).orElse(false));
            deletePod(serverB, ctx.namespace(), "driver");
            assertThat(serverB.pods().inNamespace(ctx.namespace()).withName("driver").get()).as("pod in etcd").isNull();

            await("nothing deleted while server A is down").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> cleanup.deleted.isEmpty() && !cleanup.health.healthy() && !apiServerA.isRunning());
            assertThat(cleanup.stored(bundle)).isTrue();

            apiServerA.start();

            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(30));
            assertThat(deletion).as("deletion after server A is back").isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            assertThat(deletion.reason()).isEqualTo(DeletionReason.OWNER_DELETED);
            assertThat(cleanup.stored(bundle)).isFalse();
            await("healthy again").atMost(Duration.ofSeconds(15)).until(cleanup.health::healthy);
            assertThat(cleanup.nextDeletion(Duration.ZERO)).isNull();
            assertThat(cleanup.stored(kept)).isTrue();
        }
    }

    @Test
    void theStagingServerKeepsTheBundleAndShowsTheOutageInHealthzThenDeletesItAfterItsApiServerIsBack(
        KubernetesTestContext ctx, ApiServerProcess apiServerA) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-staging-restart");
        KubernetesClient serverB = ctx.client();
        createPod(serverB, ctx.namespace(), "driver", labels);
        StagingServerSettings settings = StagingServerSettings.fromConfig(CONFIG).withBinding("127.0.0.1", 0)
            .withStoreRoot(storeRoot);
        LocalDiskBlobStore store = LocalDiskBlobStore.open(storeRoot, SYSTEM.dispatchers().lookup(
            DispatcherSelector.blocking()), Materializer.matFromSystem(SYSTEM));
        try (KubernetesClient viaA = new KubernetesClientBuilder().withConfig(new ConfigBuilder(apiServerA.config())
            .withWatchReconnectInterval(200).withRequestRetryBackoffLimit(1).build()).build()) {
            ResourceStagingServer staging = ResourceStagingServer.start(SYSTEM, settings, store, Clock.systemUTC(),
                viaA, CONFIG).toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                String base = "http://127.0.0.1:" + staging.binding().localAddress().getPort();
                ResourceStagingClient client = new ResourceStagingClient(SYSTEM, URI.create(base), Optional.empty());
                SubmittedResourceIdAndSecret staged = client.upload(Source.single(ByteString.fromString("jar")),
                    owner(ctx.namespace(), labels)).toCompletableFuture().get(30, TimeUnit.SECONDS);
                client.download(staged.resourceId(), staged.resourceSecret(), Sink.ignore())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
                String watched = ctx.namespace() + "/Pod";
                await("owner watched and synced, per /healthz").atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode health = healthz(base);
                    return health.path("healthy").asBoolean(false)
                        && health.path("namespaces").path(watched).path("watching").asBoolean(false);
                });

                apiServerA.stop();
                await("outage shown in /healthz").atMost(Duration.ofSeconds(15)).until(() -> {
                    JsonNode health = healthz(base);
                    return !health.path("healthy").asBoolean(true) && health.path("unhealthyNamespaces").asInt() == 1
                        && !health.path("namespaces").path(watched).path("watching").asBoolean(true)
                        && health.path("namespaces").path(watched).hasNonNull("lastError");
                });
                deletePod(serverB, ctx.namespace(), "driver");

                await("bundle kept while server A is down").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> stored(staging, staged.resourceId())
                        && !healthz(base).path("healthy").asBoolean(true));

                apiServerA.start();

                await("bundle deleted after server A is back").atMost(Duration.ofSeconds(30))
                    .until(() -> !stored(staging, staged.resourceId()));
                assertThat(staging.ownerCleanup().orElseThrow().metrics().snapshot().deletions())
                    .containsEntry(DeletionReason.OWNER_DELETED, 1L);
                await("/healthz healthy again").atMost(Duration.ofSeconds(15))
                    .until(() -> healthz(base).path("healthy").asBoolean(false));
            } finally {
                staging.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean stored(ResourceStagingServer staging, String id) throws Exception {
        return staging.store().list().toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
            .anyMatch(entry -> entry.id().equals(id));
    }

    /** The staging server's {@code /healthz} (always 200 with cleanup on) as JSON: its {@code ownerWatcher} part. */
    private static JsonNode healthz(String base) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("ownerWatcher");
    }

    private static Optional<NamespaceWatchStatus> status(CleanupHarness cleanup, KubernetesTestContext ctx) {
        return cleanup.health.namespaces().stream().filter(s -> s.namespace().equals(ctx.namespace())).findFirst();
    }
}
