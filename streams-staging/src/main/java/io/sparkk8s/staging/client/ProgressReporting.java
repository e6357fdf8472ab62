package io.sparkk8s.staging.client;

import java.time.Duration;
import java.util.Optional;
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
        long intervalNanos = interval.toNanos();
        return Flow.<ByteString>create().statefulMap(() -> new long[] {System.nanoTime(), 0, System.nanoTime()},
            (state, chunk) -> {
                state[1] += chunk.size();
                long now = System.nanoTime();
                if (now - state[2] >= intervalNanos) {
                    state[2] = now;
                    listener.onProgress(new StagingProgress(state[1], rate(state[1], now - state[0]), false,
                        expectedBytes));
                }
                return Pair.create(state, chunk);
            }, state -> {
                listener.onProgress(new StagingProgress(state[1], rate(state[1], System.nanoTime() - state[0]), true,
                    expectedBytes));
                return Optional.empty();
            });
    }

    private static double rate(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }
}
