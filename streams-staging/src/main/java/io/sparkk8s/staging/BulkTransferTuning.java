package io.sparkk8s.staging;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The configuration for an actor system that moves bundles over HTTP (the resource staging server, the
 * submission daemon, the staging client): Pekko's settings tuned for bulk transfer
 * ({@code io/sparkk8s/staging/bulk-transfer-pekko.conf}) between the libraries' {@code reference.conf}
 * and the application's own settings, so that {@code application.conf}, {@code -D} system properties
 * and environment overrides still win over the tuning.
 */
public final class BulkTransferTuning {

    /** The class-path resource holding the tuning. */
    public static final String RESOURCE = "io/sparkk8s/staging/bulk-transfer-pekko.conf";

    private BulkTransferTuning() {
    }

    /** The resolved configuration as {@link ConfigFactory#load(ClassLoader)} would give it, with the tuning. */
    public static Config load(ClassLoader loader) {
        Config tuning = ConfigFactory.parseResources(loader, RESOURCE);
        if (tuning.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " is missing from the class path");
        }
        return ConfigFactory.load(loader, ConfigFactory.defaultApplication(loader).withFallback(tuning));
    }
}
