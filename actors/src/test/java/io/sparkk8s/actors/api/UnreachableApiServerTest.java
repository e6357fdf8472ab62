package io.sparkk8s.actors.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.runtime.SubmissionSupervisorTest;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real fabric8 client against a loopback port nobody listens on: connection refused, retried, given up. */
class UnreachableApiServerTest {

    @Test
    void connectionRefusedIsRetriedWithBackoffThenTheSubmissionFailsSayingSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + closedPort).withTrustCerts(true).withRequestRetryBackoffLimit(0)
            .withNamespace("team-a").build()).build();
            SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().kubernetesClient(client)
                .config(ConfigFactory.parseString("sparkk8s.actors.submission.retry {min-backoff = 20ms,"
                    + " max-backoff = 50ms, max-attempts = 3}"))
                .build()) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> submitter.submit(SubmissionSupervisorTest.request("pi", Map.of()))
                .toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(SubmissionFailedException.class)
                .hasMessageContaining("gave up after 3 attempts (retry.max-attempts = 3)")
                .hasRootCauseInstanceOf(ConnectException.class);

            // Two waits of at least 20 and 40 ms between the three attempts.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(60);
        }
    }
}
