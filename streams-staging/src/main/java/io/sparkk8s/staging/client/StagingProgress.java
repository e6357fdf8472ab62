package io.sparkk8s.staging.client;

import java.util.OptionalDouble;

/**
 * How far a transfer has come.
 *
 * @param bytes bytes transferred so far
 * @param bytesPerSecond average rate since the transfer started
 * @param finished whether this is the last report (the stream completed)
 * @param expectedBytes how many bytes the whole transfer will be, or -1 when that is not known
 *     (e.g. gzip)
 */
public record StagingProgress(long bytes, double bytesPerSecond, boolean finished, long expectedBytes) {

    /** A report of a transfer whose total size is not known. */
    public StagingProgress(long bytes, double bytesPerSecond, boolean finished) {
        this(bytes, bytesPerSecond, finished, -1);
    }

    /** The share done, 0..1, when the total is known; 1 once finished. */
    public OptionalDouble fraction() {
        if (finished) {
            return OptionalDouble.of(1);
        }
        return expectedBytes > 0 ? OptionalDouble.of(Math.min(1, (double) bytes / expectedBytes))
            : OptionalDouble.empty();
    }
}
