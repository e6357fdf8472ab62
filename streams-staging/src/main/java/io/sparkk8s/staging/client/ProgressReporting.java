package io.sparkk8s.staging.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** A pass-through flow that reports the bytes going by to a {@link ProgressListener}. */
public final class ProgressReporting {

    private ProgressReporting() {
    }

    /**
     * Passes bytes unchanged and reports at most once per {@code interval}, plus a final report with
     * {@code finished = true} when the stream completes.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(ProgressListener listener, Duration interval) {
        return flow(listener, interval, -1);
    }

    /**
     * As {@link #flow(ProgressListener, Duration)}, with the transfer's total size in every report
     * ({@code expectedBytes}, -1 when unknown) so a listener can show a share done.
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(ProgressListener listener, Duration interval,
        long expectedBytes) {
        return reporting(listener, interval, expectedBytes, null, expectedBytes);
    }

    /**
     * Runs the tar stream through {@code compression} (e.g. gzip) and reports the compressed bytes sent
     * together with the tar bytes consumed, whose total {@code expectedTarBytes} is known up front: so a
     * listener can show a share done although the compressed size is known only at the end.
     */
    public static Flow<ByteString, ByteString, NotUsed> compressing(Flow<ByteString, ByteString, ?> compression,
        ProgressListener listener, Duration interval, long expectedTarBytes) {
        return Flow.<ByteString>create().via(Flow.fromMaterializer((materializer, attributes) -> {
            AtomicLong tarBytes = new AtomicLong();
            return Flow.<ByteString>create().map(chunk -> {
                tarBytes.addAndGet(chunk.size());
                return chunk;
            }).via(compression).via(reporting(listener, interval, -1, tarBytes::get, expectedTarBytes));
        })).mapMaterializedValue(ignored -> NotUsed.getInstance());
    }

    private static Flow<ByteString, ByteString, NotUsed> reporting(ProgressListener listener, Duration interval,
        long expectedBytes, LongSupplier tarBytes, long expectedTarBytes) {
        long intervalNanos = interval.toNanos();
        return Flow.<ByteString>create().statefulMap(() -> new long[] {System.nanoTime(), 0, System.nanoTime()},
            (state, chunk) -> {
                state[1] += chunk.size();
                long now = System.nanoTime();
                if (now - state[2] >= intervalNanos) {
                    state[2] = now;
                    listener.onProgress(report(state[1], now - state[0], false, expectedBytes, tarBytes,
                        expectedTarBytes));
                }
                return Pair.create(state, chunk);
            }, state -> {
                listener.onProgress(report(state[1], System.nanoTime() - state[0], true, expectedBytes, tarBytes,
                    expectedTarBytes));
                return Optional.empty();
            });
    }

    private static StagingProgress report(long bytes, long nanos, boolean finished, long expectedBytes,
        LongSupplier tarBytes, long expectedTarBytes) {
        double rate = nanos <= 0 ? 0 : bytes * 1e9 / nanos;
        return new StagingProgress(bytes, rate, finished, expectedBytes,
            tarBytes == null ? bytes : tarBytes.getAsLong(), expectedTarBytes);
    }
}
