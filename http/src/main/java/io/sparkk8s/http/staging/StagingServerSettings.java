package io.sparkk8s.http.staging;

import com.typesafe.config.Config;
import io.sparkk8s.staging.tls.StagingTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The resource staging server's settings, read once from {@code spark-k8s.staging-server} (see the
 * http module's {@code reference.conf} for each one's meaning and its environment variable).
 *
 * @param bindAddress address to listen on
 * @param port port to listen on, 0 for any free one
 * @param storeRoot directory of the blob store
 * @param maxBundleSize largest accepted bundle in bytes
 * @param maxOwnerSize largest accepted {@code resourcesOwner} part in bytes
 * @param idleTimeout connection idle timeout
 * @param requestTimeout request-to-response timeout, {@code null} for none
 * @param initialAccessExpirationTimeout lifetime of a never-downloaded bundle
 * @param expiryCheckInterval how often expiry runs
 * @param tls the server's TLS context, empty for plain HTTP
 */
public record StagingServerSettings(String bindAddress, int port, Path storeRoot, long maxBundleSize,
    long maxOwnerSize, Duration idleTimeout, Duration requestTimeout, Duration initialAccessExpirationTimeout,
    Duration expiryCheckInterval, Optional<SSLContext> tls) {

    /** The config path of these settings. */
    public static final String PATH = "spark-k8s.staging-server";

    /**
     * Reads and validates the settings.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is valid
     */
    public static StagingServerSettings fromConfig(Config root) {
        Config c = root.getConfig(PATH);
        int port = c.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PATH + ".port: " + port + " is not a port; use 0..65535");
        }
        long maxBundleSize = c.getBytes("max-bundle-size");
        if (maxBundleSize <= 0) {
            throw new IllegalArgumentException(PATH + ".max-bundle-size: " + maxBundleSize + " must be positive");
        }
        String requestTimeout = c.getString("request-timeout");
        return new StagingServerSettings(c.getString("bind-address"), port, Path.of(c.getString("store-root")),
            maxBundleSize, c.getBytes("max-owner-size"), c.getDuration("idle-timeout"),
            "infinite".equals(requestTimeout) ? null : c.getDuration("request-timeout"),
            c.getDuration("initial-access-expiration-timeout"), c.getDuration("expiry-check-interval"),
            tls(c.getConfig("tls")));
    }

    /** These settings listening on {@code bindAddress:port} instead. */
    public StagingServerSettings withBinding(String newBindAddress, int newPort) {
        return new StagingServerSettings(newBindAddress, newPort, storeRoot, maxBundleSize, maxOwnerSize,
            idleTimeout, requestTimeout, initialAccessExpirationTimeout, expiryCheckInterval, tls);
    }

    /** These settings with the store under {@code root} instead. */
    public StagingServerSettings withStoreRoot(Path root) {
        return new StagingServerSettings(bindAddress, port, root, maxBundleSize, maxOwnerSize, idleTimeout,
            requestTimeout, initialAccessExpirationTimeout, expiryCheckInterval, tls);
    }

    private static Optional<SSLContext> tls(Config tls) {
        if (!tls.getBoolean("enabled")) {
            return Optional.empty();
        }
        String keyStore = tls.getString("key-store");
        String keyPem = tls.getString("key-pem");
        String certPem = tls.getString("server-cert-pem");
        String prefix = PATH + ".tls.";
        if (!keyStore.isEmpty()) {
            if (!keyPem.isEmpty() || !certPem.isEmpty()) {
                throw new IllegalArgumentException(prefix + "key-store: set together with key-pem/server-cert-pem;"
                    + " give either a key store or a PEM key and certificate, not both");
            }
            String passwordFile = tls.getString("key-store-password-file");
            char[] password = passwordFile.isEmpty() ? tls.getString("key-store-password").toCharArray()
                : StagingTls.readPasswordFile(Path.of(passwordFile));
            return Optional.of(StagingTls.serverFromKeyStore(Path.of(keyStore), password,
                tls.getString("key-store-type")));
        }
        if (keyPem.isEmpty() || certPem.isEmpty()) {
            throw new IllegalArgumentException(prefix + "enabled is true but no key material is set: give key-store,"
                + " or both key-pem and server-cert-pem (key-pem='" + keyPem + "', server-cert-pem='" + certPem
                + "')");
        }
        return Optional.of(StagingTls.serverFromPem(Path.of(certPem), Path.of(keyPem)));
    }
}
