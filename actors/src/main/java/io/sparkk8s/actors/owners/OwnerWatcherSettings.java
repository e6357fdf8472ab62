package io.sparkk8s.actors.owners;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link OwnerWatcher}, read once from {@code sparkk8s.actors.owner-watcher} (see the
 * module's {@code reference.conf} for what each one means).
 *
 * @param resyncPeriod informer resync period; zero turns resync off
 * @param connectionCheckInterval how often the informers' connection state is looked at, to reconcile
 *     after a reconnect and to publish health
 * @param confirmRetryInterval wait before asking the API server again when a confirmation failed
 */
public record OwnerWatcherSettings(Duration resyncPeriod, Duration connectionCheckInterval,
    Duration confirmRetryInterval) {

    /** Rejects missing and negative values, naming the setting. */
    public OwnerWatcherSettings {
        requireNonNegative("resync-period", resyncPeriod);
        requirePositive("connection-check-interval", connectionCheckInterval);
        requirePositive("confirm-retry-interval", confirmRetryInterval);
    }

    /** Reads the settings from the {@code sparkk8s.actors.owner-watcher} section of {@code config}. */
    public static OwnerWatcherSettings fromConfig(Config config) {
        Config c = config.getConfig("sparkk8s.actors.owner-watcher");
        return new OwnerWatcherSettings(c.getDuration("resync-period"), c.getDuration("connection-check-interval"),
            c.getDuration("confirm-retry-interval"));
    }

    private static void requireNonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("sparkk8s.actors.owner-watcher." + name + ": " + value
                + " is negative; give zero or a positive duration");
        }
    }

    private static void requirePositive(String name, Duration value) {
        requireNonNegative(name, value);
        if (value.isZero()) {
            throw new IllegalArgumentException("sparkk8s.actors.owner-watcher." + name
                + ": must be a positive duration, got 0");
        }
    }
}
