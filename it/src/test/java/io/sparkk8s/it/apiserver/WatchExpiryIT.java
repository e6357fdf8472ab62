package io.sparkk8s.it.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.sparkk8s.it.ApiServerFlags;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A watch resumed from a resourceVersion that etcd has compacted away gets 410 Gone, as on a real
 * cluster after a long disconnect. The watch cache is off and compaction frequent so that this
 * happens within seconds instead of the default five minutes.
 */
@ExtendWith(KubernetesApiServerExtension.class)
@ApiServerFlags({"--etcd-compaction-interval=2s", "--watch-cache=false"})
class WatchExpiryIT {

    @Test
    void watchReopenedFromACompactedResourceVersionGets410Gone(KubernetesTestContext ctx) throws Exception {
        var configMaps = ctx.client().configMaps().inNamespace(ctx.namespace());
        ConfigMap first = configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("state")
            .endMetadata().addToData("n", "0").build()).create();
        String oldVersion = first.getMetadata().getResourceVersion();

        // A first watch from the current version works and sees the next change.
        String nextVersion;
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (Watch watch = configMaps.withResourceVersion(oldVersion).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                seen.complete(action + " " + resource.getData().get("n"));
            }

            @Override
            public void onClose(WatcherException cause) {
                seen.completeExceptionally(cause);
            }
        })) {
            ConfigMap next = configMaps.withName("state")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("n", "1").build());
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("MODIFIED 1");
            nextVersion = next.getMetadata().getResourceVersion();
        }

        // Keep writing until the API server's periodic compaction has gone past nextVersion: an exact
        // list at that version then answers 410 itself (the probe), bounded by awaitility. A watch
        // from oldVersion starts at oldVersion + 1 <= nextVersion, so it is compacted away too.
        String compacted = nextVersion;
        await("compaction past " + compacted).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> {
                configMaps.withName("state").edit(cm -> new ConfigMapBuilder(cm)
                    .addToData("n", String.valueOf(System.nanoTime())).build());
                try {
                    configMaps.list(new ListOptionsBuilder().withResourceVersion(compacted)
                        .withResourceVersionMatch("Exact").build());
                    return false;
                } catch (KubernetesClientException e) {
                    return e.getCode() == 410;
                }
            });

        // The reopened watch from the old version is told it is gone.
        CompletableFuture<WatcherException> closed = new CompletableFuture<>();
        try (Watch reopened = configMaps.withResourceVersion(oldVersion).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                closed.completeExceptionally(new AssertionError("unexpected event " + action));
            }

            @Override
            public void onClose(WatcherException cause) {
                closed.complete(cause);
            }
        })) {
            WatcherException cause = closed.get(30, TimeUnit.SECONDS);
            assertThat(cause.isHttpGone()).as("410 Gone: %s", cause.getMessage()).isTrue();
        }
    }
}
