package io.sparkk8s.it.cleanup;

import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.awaitSynced;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.clientThrough;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.createPod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.deletePod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.it.ApiServerFlags;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.store.NewBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner watcher loses its network connection to the API server while an owner is deleted. The
 * API server keeps running; a {@link TcpProxy} between it and the watcher's client is cut and
 * restored (a network partition). The API server process itself stopped and started again is
 * {@link OwnerWatcherApiServerRestartIT}. Watch cache off and
 * compaction every two seconds, so that a long enough cut makes the watch's resourceVersion expire
 * (410 Gone) and forces the informer to relist, as after a long outage on a real cluster.
 */
@ExtendWith(KubernetesApiServerExtension.class)
@ApiServerFlags({"--etcd-compaction-interval=2s", "--watch-cache=false"})
class OwnerWatcherDisconnectIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "disconnect-it");

    @TempDir
    Path storeRoot;

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    @Test
    void anOwnerDeletedWhileDisconnectedIsCleanedAfterTheWatchResumes(KubernetesTestContext ctx) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-short-cut");
        createPod(ctx.client(), ctx.namespace(), "driver", labels);
        try (TcpProxy proxy = new TcpProxy(ctx.masterUrl());
            KubernetesClient viaProxy = clientThrough(ctx, proxy);
            CleanupHarness cleanup = CleanupHarness.start(SYSTEM, viaProxy, storeRoot, "short-cut")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
            awaitSynced(cleanup, ctx.namespace());

            proxy.cut();
            await("watch loss shown in health").atMost(Duration.ofSeconds(10)).until(() -> !cleanup.health.healthy());
            deletePod(ctx.client(), ctx.namespace(), "driver");

            assertThat(cleanup.nextDeletion(Duration.ofSeconds(2))).isNull();
            assertThat(cleanup.stored(bundle)).isTrue();

            proxy.restore();

            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(30));
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            assertThat(deletion.reason()).isEqualTo(DeletionReason.OWNER_DELETED);
            assertThat(cleanup.stored(bundle)).isFalse();
        }
    }

    @Test
    void anOwnerDeletedDuringACutLongerThanTheWatchHistoryIsCleanedAfterTheRelist(KubernetesTestContext ctx)
        throws Exception {
        Map<String, String> goneLabels = Map.of("spark-app-selector", "spark-long-cut");
        Map<String, String> keptLabels = Map.of("spark-app-selector", "spark-survivor");
        createPod(ctx.client(), ctx.namespace(), "driver", goneLabels);
        createPod(ctx.client(), ctx.namespace(), "survivor", keptLabels);
        try (TcpProxy proxy = new TcpProxy(ctx.masterUrl());
            KubernetesClient viaProxy = clientThrough(ctx, proxy);
            CleanupHarness cleanup = CleanupHarness.start(SYSTEM, viaProxy, storeRoot, "long-cut")) {
            NewBundle gone = cleanup.stageAndDownload(owner(ctx.namespace(), goneLabels));
            NewBundle kept = cleanup.stageAndDownload(owner(ctx.namespace(), keptLabels));
            awaitSynced(cleanup, ctx.namespace());

            proxy.cut();
            // Everything the informer saw is older than this marker.
            var configMaps = ctx.client().configMaps().inNamespace(ctx.namespace());
            ConfigMap marker = configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("marker")
                .endMetadata().addToData("n", "0").build()).create();
            String markerVersion = marker.getMetadata().getResourceVersion();
            deletePod(ctx.client(), ctx.namespace(), "driver");
            await("compaction past " + markerVersion).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    configMaps.withName("marker").edit(cm -> new ConfigMapBuilder(cm)
                        .addToData("n", String.valueOf(System.nanoTime())).build());
                    try {
                        configMaps.list(new ListOptionsBuilder().withResourceVersion(markerVersion)
                            .withResourceVersionMatch("Exact").build());
                        return false;
                    } catch (KubernetesClientException e) {
                        return e.getCode() == 410;
                    }
                });
            assertThat(cleanup.nextDeletion(Duration.ZERO)).as("deleted while disconnected").isNull();
            assertThat(cleanup.health.healthy()).isFalse();

            proxy.restore();

            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(30));
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(gone.entry().id());
            assertThat(cleanup.nextDeletion(Duration.ofSeconds(2))).isNull();
            assertThat(cleanup.stored(kept)).isTrue();
            await("healthy again").atMost(Duration.ofSeconds(10)).until(cleanup.health::healthy);
        }
    }
}
