package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DriverPodCache} on its own: the label selector it applies to its store, and the fallback to a direct
 * list when its informer cannot sync (the answer with the real API server is in it/'s SubmissionDaemonIT).
 */
class DriverPodCacheTest {

    @Test
    void selectsPodsCarryingEveryRequestedLabel() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").addToLabels("spark-role", "driver")
            .addToLabels("team", "blue").endMetadata().build();
        Pod unlabelled = new PodBuilder().withNewMetadata().withName("q").endMetadata().build();

        assertThat(DriverPodCache.hasLabels(pod, Map.of())).isTrue();
        assertThat(DriverPodCache.hasLabels(pod, Map.of("team", "blue"))).isTrue();
        assertThat(DriverPodCache.hasLabels(pod, Map.of("team", "blue", "spark-role", "driver"))).isTrue();
        assertThat(DriverPodCache.hasLabels(pod, Map.of("team", "red"))).isFalse();
        assertThat(DriverPodCache.hasLabels(pod, Map.of("team", "blue", "tier", "gold"))).isFalse();
        assertThat(DriverPodCache.hasLabels(unlabelled, Map.of())).isTrue();
        assertThat(DriverPodCache.hasLabels(unlabelled, Map.of("team", "blue"))).isFalse();
    }

    @Test
    void answersAsADirectListWouldWhenTheInformerCannotSyncWithinTheBound() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closedPort)
            .withRequestRetryBackoffLimit(0).withConnectionTimeout(500).build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            DriverPodCache cache = new DriverPodCache(client, Duration.ofMillis(300))) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> cache.driverPods("spark-jobs", Map.of()))
                .isInstanceOf(KubernetesClientException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            // Still unsynced (the informer keeps retrying): the next request is bounded the same way.
            assertThatThrownBy(() -> cache.driverPods("spark-jobs", Map.of("team", "blue")))
                .isInstanceOf(KubernetesClientException.class);
        }
    }
}
