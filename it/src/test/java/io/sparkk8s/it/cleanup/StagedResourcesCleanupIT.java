package io.sparkk8s.it.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.NamespaceWatchStatus;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.store.NewBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cleanup loop against the real API server and kube-controller-manager: a real local-disk store,
 * the real {@code OwnerWatcher} with its informers, the real {@code StagedResourcesCleaner}; pods and
 * namespaces created and deleted through the API.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StagedResourcesCleanupIT {

    private static final Logger LOG = LoggerFactory.getLogger(StagedResourcesCleanupIT.class);
    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "cleanup-it");
    /** How long an event-driven deletion may take here (the design's goal is one second). */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** How long we wait to be convinced that nothing is deleted. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    @TempDir
    Path storeRoot;

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    @Test
    void deletesAUsedBundleWhenItsOwnerPodIsDeleted(KubernetesTestContext ctx) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-pod-deleted");
        createPod(ctx.client(), ctx.namespace(), "driver", labels);
        try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "pod-deleted")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
            awaitSynced(cleanup, ctx.namespace());
            assertThat(cleanup.nextDeletion(QUIET)).as("deleted while its owner pod exists").isNull();

            long deletedAt = System.nanoTime();
            deletePod(ctx.client(), ctx.namespace(), "driver");

            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(PROMPTLY);
            long latencyMillis = Duration.ofNanos(System.nanoTime() - deletedAt).toMillis();
            LOG.info("owner pod deleted -> bundle deleted in {} ms", latencyMillis);
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            assertThat(deletion.reason()).isEqualTo(DeletionReason.OWNER_DELETED);
            assertThat(cleanup.stored(bundle)).isFalse();
            assertThat(cleanup.metrics.snapshot().deletions()).containsEntry(DeletionReason.OWNER_DELETED, 1L);
            assertThat(cleanup.metrics.snapshot().latencyCount()).isEqualTo(1);
            // The last owner gone, the namespace's informer is stopped.
            await().atMost(PROMPTLY).until(() -> cleanup.health.namespaces().isEmpty());
        }
    }

    @Test
    void aCleanerThatStopsWithoutUnwatchingNoLongerKeepsItsOwnersWatched(KubernetesTestContext ctx) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-cleaner-stopped");
        createPod(ctx.client(), ctx.namespace(), "driver", labels);
        try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "cleaner-stopped")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
            awaitSynced(cleanup, ctx.namespace());

            cleanup.stopCleanerOnly();

            // The watcher, still running, noticed its subscriber's death: the namespace's informer is stopped.
            await().atMost(PROMPTLY).until(() -> cleanup.health.namespaces().isEmpty());
            assertThat(cleanup.stored(bundle)).isTrue();
        }
    }

    @Test
    void deletesAUsedBundleWhenItsOwnersNamespaceIsDeleted(KubernetesTestContext ctx) throws Exception {
        String namespace = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        ctx.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
            .endMetadata().build()).create();
        Map<String, String> labels = Map.of("spark-app-selector", "spark-ns-deleted");
        createPod(ctx.client(), namespace, "driver", labels);
        try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "ns-deleted")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(namespace, labels));
            awaitSynced(cleanup, namespace);
            assertThat(cleanup.nextDeletion(QUIET)).isNull();

            ctx.client().namespaces().withName(namespace).delete();

            // The namespace controller deletes the pods first; that takes it a few seconds.
            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(60));
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            assertThat(deletion.reason()).isEqualTo(DeletionReason.NAMESPACE_DELETED);
            assertThat(cleanup.stored(bundle)).isFalse();
        }
    }

    @Test
    void keepsABundleUntilTheLastOfTwoOwnersSharingItsLabelsIsGone(KubernetesTestContext ctx) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-shared", "spark-role", "driver");
        createPod(ctx.client(), ctx.namespace(), "first", labels);
        createPod(ctx.client(), ctx.namespace(), "second", Map.of("spark-app-selector", "spark-shared",
            "spark-role", "driver", "attempt", "2"));
        try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "shared")) {
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
            awaitSynced(cleanup, ctx.namespace());

            deletePod(ctx.client(), ctx.namespace(), "first");

            assertThat(cleanup.nextDeletion(QUIET)).as("deleted while one owner remains").isNull();
            assertThat(cleanup.stored(bundle)).isTrue();

            deletePod(ctx.client(), ctx.namespace(), "second");

            StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(PROMPTLY);
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            assertThat(cleanup.stored(bundle)).isFalse();
        }
    }

    @Test
    void aRestartedStagingServerLosesNoBundleAndCatchesUpWithDeletionsMissedWhileDown(KubernetesTestContext ctx)
        throws Exception {
        Map<String, String> goneLabels = Map.of("spark-app-selector", "spark-gone-while-down");
        Map<String, String> keptLabels = Map.of("spark-app-selector", "spark-still-running");
        createPod(ctx.client(), ctx.namespace(), "gone", goneLabels);
        createPod(ctx.client(), ctx.namespace(), "kept", keptLabels);
        NewBundle gone;
        NewBundle kept;
        NewBundle unused;
        try (CleanupHarness before = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "before-restart")) {
            gone = before.stageAndDownload(owner(ctx.namespace(), goneLabels));
            kept = before.stageAndDownload(owner(ctx.namespace(), keptLabels));
            unused = before.store.write(org.apache.pekko.stream.javadsl.Source.single(
                org.apache.pekko.util.ByteString.fromString("never downloaded")))
                .thenCompose(p -> p.commit(owner(ctx.namespace(), keptLabels))).toCompletableFuture().get();
            awaitSynced(before, ctx.namespace());
        }

        // While the staging server is down, an owner goes.
        deletePod(ctx.client(), ctx.namespace(), "gone");

        try (CleanupHarness after = CleanupHarness.start(SYSTEM, ctx.client(), storeRoot, "after-restart")) {
            assertThat(after.stored(kept)).isTrue();
            assertThat(after.stored(unused)).isTrue();
            StagedResourcesCleaner.BundleDeleted deletion = after.nextDeletion(PROMPTLY);
            assertThat(deletion).isNotNull();
            assertThat(deletion.entry().id()).isEqualTo(gone.entry().id());
            assertThat(after.nextDeletion(QUIET)).isNull();
            assertThat(after.stored(kept)).isTrue();
            assertThat(after.stored(unused)).as("not downloaded, not yet expired").isTrue();

            // Cleanup goes on as before the restart.
            deletePod(ctx.client(), ctx.namespace(), "kept");
            StagedResourcesCleaner.BundleDeleted next = after.nextDeletion(PROMPTLY);
            assertThat(next).isNotNull();
            assertThat(next.entry().id()).isEqualTo(kept.entry().id());
            assertThat(after.stored(unused)).isTrue();
        }
    }

    @Test
    void deletesNothingWhileTheApiServerIsUnreachableAndShowsIt(KubernetesTestContext ctx) throws Exception {
        Map<String, String> labels = Map.of("spark-app-selector", "spark-unreachable");
        try (TcpProxy proxy = new TcpProxy(ctx.masterUrl());
            KubernetesClient viaProxy = clientThrough(ctx, proxy)) {
            proxy.cut();
            try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, viaProxy, storeRoot, "unreachable")) {
                // The owner has no pod at all: once asked, the API server would say it is gone.
                NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));

                await().atMost(PROMPTLY).until(() -> !cleanup.health.namespaces().isEmpty());
                assertThat(cleanup.nextDeletion(Duration.ofSeconds(3))).isNull();
                assertThat(cleanup.stored(bundle)).isTrue();
                assertThat(cleanup.health.healthy()).isFalse();
                NamespaceWatchStatus status = cleanup.health.namespaces().get(0);
                assertThat(status.synced()).isFalse();
                assertThat(status.lastError()).isPresent();

                proxy.restore();

                StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(30));
                assertThat(deletion).isNotNull();
                assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
            }
        }
    }

    static KubernetesClient clientThrough(KubernetesTestContext ctx, TcpProxy proxy) throws Exception {
        Config direct = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(direct).withMasterUrl(proxy.url())
            .withWatchReconnectInterval(200).withRequestRetryBackoffLimit(1).build()).build();
    }

    static StagedResourcesOwner owner(String namespace, Map<String, String> labels) {
        return new StagedResourcesOwner(namespace, labels, StagedResourcesOwner.POD);
    }

    static void awaitSynced(CleanupHarness cleanup, String namespace) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cleanup.health.namespaces().stream()
            .anyMatch(s -> s.namespace().equals(namespace) && s.healthy()));
    }

    static void createPod(KubernetesClient client, String namespace, String name, Map<String, String> labels) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
            .withNewSpec().addNewContainer().withName("spark-kubernetes-driver").withImage("apache/spark:3.5.3")
            .endContainer().endSpec().build();
        client.pods().inNamespace(namespace).resource(pod).create();
    }

    static void deletePod(KubernetesClient client, String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
    }
}
