package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.submission.daemon.DaemonClientException;
import io.sparkk8s.submission.daemon.DaemonSubmission;
import io.sparkk8s.submission.daemon.DaemonSubmissionRequest;
import io.sparkk8s.submission.daemon.SubmissionDaemonClient;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The thin Java client (submission/'s {@link SubmissionDaemonClient}, which the CLI's {@code --daemon}
 * uses) against a real daemon on a loopback port, and its wire records against the daemon's.
 */
class SubmissionDaemonClientTest extends DaemonServerTest {

    SubmissionDaemonClient client;

    @BeforeEach
    void startClient() {
        client = SubmissionDaemonClient.create(server.base, DaemonTestServer.TEAM_A);
    }

    static DaemonSubmissionRequest pi(String memory) {
        return new DaemonSubmissionRequest("pi", "team-a", "org.apache.spark.examples.SparkPi", "local:///opt/app.jar",
            List.of("10"), null, null, null, null, memory, null, null, null, null,
            Map.of("spark.kubernetes.container.image", "apache/spark:3.5.3"));
    }

    @Test
    void submitsReadsListsWatchesAndKills() {
        DaemonSubmission submitted = client.submit(pi("1g"), Optional.of("k-1")).toCompletableFuture().join();
        DaemonSubmission again = client.submit(pi("1g"), Optional.of("k-1")).toCompletableFuture().join();

        assertThat(again.id()).isEqualTo(submitted.id());
        assertThat(client.status(submitted.id()).toCompletableFuture().join().state()).isEqualTo("PENDING");
        assertThat(client.list(Optional.of("team-a"), List.of()).toCompletableFuture().join())
            .extracting(DaemonSubmission::id).containsExactly(submitted.id());
        List<String> seen = new ArrayList<>();
        DaemonSubmission last = client.watch(submitted.id(), s -> seen.add(s.state())).toCompletableFuture().join();
        assertThat(seen).containsExactly("PENDING", "RUNNING", "SUCCEEDED");
        assertThat(last.state()).isEqualTo("SUCCEEDED");
        assertThat(client.log(submitted.id(), 2).toCompletableFuture().join()).isEqualTo("line 1\nline 2\n");
        assertThat(client.kill(submitted.id()).toCompletableFuture().join().state()).isEqualTo("KILLED");
        assertThat(server.backend.submissions.get(submitted.id()).state()).isEqualTo(SubmissionState.KILLED);
    }

    @Test
    void aKillWithAGracePeriodHandsItsWholeSecondsToTheDaemonsKill() {
        DaemonSubmission graceful = client.submit(pi("1g"), Optional.empty()).toCompletableFuture().join();
        DaemonSubmission plain = client.submit(pi("1g"), Optional.empty()).toCompletableFuture().join();

        DaemonSubmission killed = client.kill(graceful.id(), Optional.of(Duration.ofMillis(90_500)))
            .toCompletableFuture().join();
        client.kill(plain.id()).toCompletableFuture().join();

        assertThat(killed.state()).isEqualTo("KILLED");
        assertThat(server.backend.killGracePeriods.get(graceful.id())).isEqualTo(OptionalLong.of(90));
        assertThat(server.backend.killGracePeriods.get(plain.id())).isEqualTo(OptionalLong.empty());
        assertThatThrownBy(() -> client.kill(plain.id(), Optional.of(Duration.ofSeconds(-1))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gracePeriod");
    }

    @Test
    void listFollowsEveryPage() {
        for (int i = 0; i < 23; i++) {
            server.backend.add("spark-p" + i, "app", "team-a", SubmissionState.RUNNING);
        }

        assertThat(client.list(Optional.empty(), List.of("RUNNING")).toCompletableFuture().join()).hasSize(23);
    }

    @Test
    void refusalsCarryTheStatusCodeAndField() {
        assertThatThrownBy(() -> client.submit(pi("lots"), Optional.empty()).toCompletableFuture().join())
            .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(DaemonClientException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.field()).contains("driverMemory");
            });
        assertThatThrownBy(() -> client.status("spark-nope").toCompletableFuture().join()).cause()
            .isInstanceOfSatisfying(DaemonClientException.class, e -> assertThat(e.error()).isEqualTo("not_found"));
        assertThatThrownBy(() -> SubmissionDaemonClient.create(server.base, "wrong").status("x")
            .toCompletableFuture().join()).cause()
            .isInstanceOfSatisfying(DaemonClientException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void theClientsRecordsHaveTheFieldsOfTheDaemonsRecordsInTheSameOrder() {
        assertThat(names(DaemonSubmissionRequest.class)).isEqualTo(names(SubmissionBody.class));
        assertThat(names(DaemonSubmission.class)).isEqualTo(names(SubmissionView.class));
        assertThat(Arrays.stream(DaemonSubmissionRequest.class.getRecordComponents()).map(RecordComponent::getType))
            .containsExactlyElementsOf(Arrays.stream(SubmissionBody.class.getRecordComponents())
                .map(RecordComponent::getType).toList());
    }

    private static List<String> names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
