package io.sparkk8s.staging.tar;

/**
 * What an extraction wrote.
 *
 * @param entries entries unpacked
 * @param bytes bytes of file content written
 */
public record Extracted(int entries, long bytes) {
}
