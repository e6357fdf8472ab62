package io.sparkk8s.actors.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CleanupCountersTest {

    @Test
    void putsALatencyInTheFirstBucketWhoseBoundIsNotBelowIt() {
        CleanupCounters counters = new CleanupCounters();

        counters.ownerGoneToDeletion(Duration.ofMillis(50));
        counters.ownerGoneToDeletion(Duration.ofMillis(51));
        counters.ownerGoneToDeletion(Duration.ofMinutes(5));

        CleanupMetrics.Snapshot snapshot = counters.snapshot();
        // Cumulative: <=50ms, <=100ms, ..., <=60s, +Inf.
        assertThat(snapshot.latencyBucketCounts()).hasSize(CleanupMetrics.LATENCY_BUCKETS.size() + 1);
        assertThat(snapshot.latencyBucketCounts().get(0)).isEqualTo(1);
        assertThat(snapshot.latencyBucketCounts().get(1)).isEqualTo(2);
        assertThat(snapshot.latencyBucketCounts().get(CleanupMetrics.LATENCY_BUCKETS.size() - 1)).isEqualTo(2);
        assertThat(snapshot.latencyCount()).isEqualTo(3);
        assertThat(snapshot.latencyMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(snapshot.latencySum()).isEqualTo(Duration.ofMillis(101).plusMinutes(5));
    }

    @Test
    void countsANegativeLatencyFromClockSkewAsZero() {
        CleanupCounters counters = new CleanupCounters();

        counters.ownerGoneToDeletion(Duration.ofMillis(-3));

        assertThat(counters.snapshot().latencyBucketCounts().get(0)).isEqualTo(1);
        assertThat(counters.snapshot().latencySum()).isZero();
    }

    @Test
    void reportsEveryDeletionReasonEvenWhenZero() {
        CleanupCounters counters = new CleanupCounters();

        counters.deleted(DeletionReason.OWNER_DELETED);

        assertThat(counters.snapshot().deletions()).containsOnlyKeys(DeletionReason.values())
            .containsEntry(DeletionReason.OWNER_DELETED, 1L).containsEntry(DeletionReason.UNUSED_EXPIRED, 0L);
    }
}
