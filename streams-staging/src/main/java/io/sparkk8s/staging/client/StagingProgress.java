package io.sparkk8s.staging.client;

/**
 * How far a transfer has come.
 *
 * @param bytes bytes transferred so far
 * @param bytesPerSecond average rate since the transfer started
 * @param finished whether this is the last report (the stream completed)
 */
public record StagingProgress(long bytes, double bytesPerSecond, boolean finished) {
}
