package io.sparkk8s.actors.cleanup;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The cleaner's figures, for a metrics route to publish (e.g. as Prometheus gauges, counters and a
 * histogram). Thread-safe; every call gives a consistent-enough copy.
 */
public interface CleanupMetrics {

    /** Upper bounds of the latency histogram buckets (the last bucket, +Inf, is implicit). */
    List<Duration> LATENCY_BUCKETS = List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    /** The figures now. */
    Snapshot snapshot();

    /**
     * The cleaner's figures at one moment.
     *
     * @param bundlesStored bundles the cleaner tracks (every bundle of the store, after its first scan)
     * @param bytesStored their total size
     * @param deletions bundles deleted since start, by reason (every reason present)
     * @param latencyBucketCounts cumulative counts of owner-gone-to-bundle-deleted latencies at or
     *     under each of {@link #LATENCY_BUCKETS}, then the total count (+Inf)
     * @param latencySum sum of those latencies
     * @param latencyMax the largest one
     */
    record Snapshot(long bundlesStored, long bytesStored, Map<DeletionReason, Long> deletions,
        List<Long> latencyBucketCounts, Duration latencySum, Duration latencyMax) {

        /** Copies the collections. */
        public Snapshot {
            deletions = Map.copyOf(deletions);
            latencyBucketCounts = List.copyOf(latencyBucketCounts);
        }

        /** How many owner-gone-to-bundle-deleted latencies were recorded. */
        public long latencyCount() {
            return latencyBucketCounts.get(latencyBucketCounts.size() - 1);
        }
    }
}
