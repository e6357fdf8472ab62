package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with owner cleanup wired in, over real loopback HTTP and a real store, against an API
 * server that cannot be reached (the cleanup against a real API server is in it/: e2e and cleanup ITs).
 */
class OwnerCleanupServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Config CONFIG = ConfigFactory.load();

    private static ActorSystem<Void> system;
    private static KubernetesClient unreachable;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private ResourceStagingServer server;

    @BeforeAll
    static void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "owner-cleanup-server-test");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestTimeout(2000).withConnectionTimeout(1000)
            .withRequestRetryBackoffLimit(0).build()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        unreachable.close();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCleanerExpiresABundleNeverDownloadedAtItsDeadlineWithoutTheExpiryLoop() throws Exception {
        server = start(Duration.ofSeconds(2));
        JsonNode staged = upload("app-1");
        String id = staged.get("resourceId").textValue();

        await().atMost(Duration.ofSeconds(15)).until(() -> server.store().find(id).toCompletableFuture().get()
            .isEmpty());
        // The cleaner counts the deletion when the store's delete has completed: just after find() sees it.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.ownerCleanup().orElseThrow()
            .metrics().snapshot().deletions()).containsEntry(io.sparkk8s.actors.cleanup.DeletionReason.UNUSED_EXPIRED,
                1L));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/metrics").body())
            .contains("staging_bundle_deletions_total{reason=\"unused_expired\"} 1\n")
            .contains("staging_bundle_deletions_total{reason=\"owner_deleted\"} 0\n")
            .contains("staging_bundles 0\n")
            .contains("staging_owner_gone_to_bundle_deleted_seconds_bucket{le=\"0.05\"} 0\n")
            .contains("staging_owner_gone_to_bundle_deleted_seconds_count 0\n"));
    }

    @Test
    void aDownloadedBundleIsKeptWhileTheApiServerCannotBeReachedAndHealthzSaysSo() throws Exception {
        server = start(Duration.ofSeconds(2));
        JsonNode staged = upload("app-2");
        String id = staged.get("resourceId").textValue();
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(uri("/api/v0/resources/" + id))
            .header("Authorization", staged.get("resourceSecret").textValue()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode health = JSON.readTree(get("/healthz").body());
            assertThat(health.get("status").textValue()).isEqualTo("ok");
            assertThat(health.at("/ownerWatcher/healthy").booleanValue()).isFalse();
            assertThat(health.at("/ownerWatcher/namespaces/spark~1Pod/synced").booleanValue()).isFalse();
        });
        assertThat(get("/healthz").statusCode()).as("liveness stays up").isEqualTo(200);
        assertThat(get("/metrics").body()).contains("staging_owner_watch_unhealthy_namespaces 1\n")
            .contains("staging_bundles 1\n");
        assertThat(get("/readyz").statusCode()).as("readiness does not depend on the watcher").isEqualTo(200);
        // Past the unused deadline and with no evidence that the owner is gone: still there.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
            .until(() -> server.store().find(id).toCompletableFuture().get().isPresent());
    }

    @Test
    void anOwnerLabelNoPodCouldCarryIsRefusedWith400NamingIt() throws Exception {
        server = start(Duration.ofMinutes(30));

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=spark-app-selector=not%20a%20value"))
            .POST(HttpRequest.BodyPublishers.ofString("bundle")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("ownerLabels.spark-app-selector").contains("'not a value'");
        assertThat(server.store().list().toCompletableFuture().get()).isEmpty();
    }

    @Test
    void ownerCleanupIsOnByDefaultAndCanBeSwitchedOff() {
        assertThat(OwnerCleanup.enabled(CONFIG)).isTrue();
        assertThat(OwnerCleanup.enabled(ConfigFactory.parseString(OwnerCleanup.ENABLED + " = false")
            .withFallback(CONFIG))).isFalse();
    }

    private ResourceStagingServer start(Duration unusedTimeout) throws Exception {
        StagingServerSettings settings = new StagingServerSettings("127.0.0.1", 0, tmp.resolve("store"), 1 << 20,
            64 * 1024, Duration.ofSeconds(30), null, unusedTimeout, Duration.ofHours(1), Optional.empty());
        LocalDiskBlobStore store = LocalDiskBlobStore.open(settings.storeRoot(), system.dispatchers().lookup(
            DispatcherSelector.blocking()), Materializer.matFromSystem(system));
        return ResourceStagingServer.start(system, settings, store, Clock.systemUTC(), unreachable, CONFIG)
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private JsonNode upload(String app) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=spark-app-selector=" + app))
            .POST(HttpRequest.BodyPublishers.ofString("bundle")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(201);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.binding().localAddress().getPort() + path);
    }
}
