package io.sparkk8s.staging.tar;

/**
 * Caps on what one archive may unpack, so a hostile or broken bundle cannot fill the disk.
 *
 * @param maxTotalBytes most bytes of file content in total
 * @param maxEntries most entries (files, directories, links)
 */
public record ExtractionLimits(long maxTotalBytes, int maxEntries) {

    /** 64 GiB and 100,000 entries: far above a Spark application's dependencies. */
    public static final ExtractionLimits DEFAULT = new ExtractionLimits(64L * 1024 * 1024 * 1024, 100_000);

    /** Rejects non-positive caps. */
    public ExtractionLimits {
        if (maxTotalBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("extraction limits must be positive, got maxTotalBytes="
                + maxTotalBytes + ", maxEntries=" + maxEntries);
        }
    }
}
