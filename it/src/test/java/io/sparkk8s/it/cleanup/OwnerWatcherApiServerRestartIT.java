package io.sparkk8s.it.cleanup;

import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.awaitSynced;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.createPod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.deletePod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.NamespaceWatchStatus;
import io.sparkk8s.it.ApiServerProcess;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.store.NewBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server the staging server talks to is stopped and started again while an owner is deleted.
 * The control plane is highly available: two kube-apiservers on one etcd. The staging server's owner
 * watcher talks to server A ({@link ApiServerProcess}); the owner pod is deleted through server B (the
 * class's main server, which the kube-controller-manager also uses) while A's process is stopped.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class OwnerWatcherApiServerRestartIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "restart-it");

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

    private static Optional<NamespaceWatchStatus> status(CleanupHarness cleanup, KubernetesTestContext ctx) {
        return cleanup.health.namespaces().stream().filter(s -> s.namespace().equals(ctx.namespace())).findFirst();
    }
}
