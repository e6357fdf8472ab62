package io.sparkk8s.actors.cleanup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link CleanupMetrics} the cleaner writes to. Create one, give it to the cleaner, and publish it
 * as a {@link CleanupMetrics}.
 */
public final class CleanupCounters implements CleanupMetrics {

    private final AtomicLong bundles = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<DeletionReason, LongAdder> deletions = new EnumMap<>(DeletionReason.class);
    private final AtomicLongArray buckets = new AtomicLongArray(LATENCY_BUCKETS.size() + 1);
    private final AtomicLong latencySumNanos = new AtomicLong();
    private final AtomicLong latencyMaxNanos = new AtomicLong();

    /** All figures at zero. */
    public CleanupCounters() {
        for (DeletionReason reason : DeletionReason.values()) {
            deletions.put(reason, new LongAdder());
        }
    }

    @Override
    public Snapshot snapshot() {
        Map<DeletionReason, Long> byReason = new EnumMap<>(DeletionReason.class);
        deletions.forEach((reason, count) -> byReason.put(reason, count.sum()));
        List<Long> cumulative = new ArrayList<>();
        long running = 0;
        for (int i = 0; i < buckets.length(); i++) {
            running += buckets.get(i);
            cumulative.add(running);
        }
        return new Snapshot(bundles.get(), bytes.get(), byReason, cumulative, Duration.ofNanos(latencySumNanos.get()),
            Duration.ofNanos(latencyMaxNanos.get()));
    }

    void stored(long count, long size) {
        bundles.set(count);
        bytes.set(size);
    }

    void deleted(DeletionReason reason) {
        deletions.get(reason).increment();
    }

    void ownerGoneToDeletion(Duration latency) {
        Duration clamped = latency.isNegative() ? Duration.ZERO : latency;
        int bucket = 0;
        while (bucket < LATENCY_BUCKETS.size() && clamped.compareTo(LATENCY_BUCKETS.get(bucket)) > 0) {
            bucket++;
        }
        buckets.incrementAndGet(bucket);
        long nanos = clamped.toNanos();
        latencySumNanos.addAndGet(nanos);
        latencyMaxNanos.accumulateAndGet(nanos, Math::max);
    }
}
