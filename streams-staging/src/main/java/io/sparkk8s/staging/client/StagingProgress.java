package io.sparkk8s.staging.client;

import java.util.OptionalDouble;

/**
 * How far a transfer has come.
 *
 * @param bytes bytes transferred so far (for a gzip bundle: compressed bytes sent)
 * @param bytesPerSecond average rate of {@code bytes} since the transfer started
 * @param finished whether this is the last report (the stream completed)
 * @param expectedBytes how many bytes the whole transfer will be, or -1 when that is not known
 *     (e.g. gzip)
 * @param tarBytes bytes of the uncompressed tar packed so far; equal to {@code bytes} without gzip
 * @param expectedTarBytes size of the whole uncompressed tar, or -1 when not known; with gzip it gives
 *     the share done although the compressed size is unknown until the end
 */
public record StagingProgress(long bytes, double bytesPerSecond, boolean finished, long expectedBytes,
    long tarBytes, long expectedTarBytes) {

    /** A report of an uncompressed transfer: what is sent is the tar itself. */
    public StagingProgress(long bytes, double bytesPerSecond, boolean finished, long expectedBytes) {
        this(bytes, bytesPerSecond, finished, expectedBytes, bytes, expectedBytes);
    }

    /** A report of a transfer whose total size is not known. */
    public StagingProgress(long bytes, double bytesPerSecond, boolean finished) {
        this(bytes, bytesPerSecond, finished, -1);
    }

    /**
     * The share done, 0..1: from the bytes sent when their total is known, otherwise from the tar
     * bytes packed (gzip); empty when neither total is known; 1 once finished.
     */
    public OptionalDouble fraction() {
        if (finished) {
            return OptionalDouble.of(1);
        }
        if (expectedBytes > 0) {
            return OptionalDouble.of(Math.min(1, (double) bytes / expectedBytes));
        }
        return expectedTarBytes > 0 ? OptionalDouble.of(Math.min(1, (double) tarBytes / expectedTarBytes))
            : OptionalDouble.empty();
    }

    /** Whether what is sent differs from the tar (compressed), so both sizes are worth showing. */
    public boolean compressed() {
        return expectedBytes < 0 && expectedTarBytes > 0;
    }
}
