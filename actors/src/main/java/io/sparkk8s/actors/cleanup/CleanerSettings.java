package io.sparkk8s.actors.cleanup;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link StagedResourcesCleaner}, read once from {@code
 * sparkk8s.actors.staged-resources-cleaner} (each is documented in the module's {@code reference.conf}).
 *
 * @param unusedTimeout a bundle never downloaded is deleted this long after its upload (the original
 *     {@code spark.kubernetes.resourceStagingServer.initialAccessExpirationTimeout})
 * @param storeScanInterval how often the store's index is compared with what the cleaner tracks, to
 *     catch uploads, first downloads and deletions nobody told it about
 * @param deleteRetryInterval wait before trying again a deletion the store failed
 */
public record CleanerSettings(Duration unusedTimeout, Duration storeScanInterval, Duration deleteRetryInterval) {

    private static final String PREFIX = "sparkk8s.actors.staged-resources-cleaner.";

    /** Rejects missing, zero and negative durations, naming the setting. */
    public CleanerSettings {
        requirePositive("unused-timeout", unusedTimeout);
        requirePositive("store-scan-interval", storeScanInterval);
        requirePositive("delete-retry-interval", deleteRetryInterval);
    }

    /** Reads the settings from the {@code sparkk8s.actors.staged-resources-cleaner} section of {@code config}. */
    public static CleanerSettings fromConfig(Config config) {
        Config c = config.getConfig("sparkk8s.actors.staged-resources-cleaner");
        return new CleanerSettings(c.getDuration("unused-timeout"), c.getDuration("store-scan-interval"),
            c.getDuration("delete-retry-interval"));
    }

    /** These settings with another unused timeout (e.g. the staging server's own setting). */
    public CleanerSettings withUnusedTimeout(Duration timeout) {
        return new CleanerSettings(timeout, storeScanInterval, deleteRetryInterval);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, PREFIX + name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(PREFIX + name + ": " + value + " is not a positive duration");
        }
    }
}
