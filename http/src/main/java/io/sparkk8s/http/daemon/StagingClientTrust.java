package io.sparkk8s.http.daemon;

import com.typesafe.config.Config;
import io.sparkk8s.staging.tls.StagingTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Which certificates the daemon trusts when it streams bundles to an https resource staging server
 * ({@code spark-k8s.daemon.uploads.tls}): a trust store, or a PEM file with the CA (or the server's own
 * certificate); neither for the JVM's default trust. The same trust is handed to the submissions the
 * daemon stages for, so that their init-container verifies the server too: as the {@code
 * spark.ssl.kubernetes.resourceStagingServer.internal.*} client keys, whose files the submission copies
 * into the init-container's Secret. Requests may not name those files themselves (they would be paths of
 * the daemon's machine); the daemon sets them from its own settings.
 *
 * @param trustStore a trust store file
 * @param trustStoreType its type ({@code PKCS12} or {@code JKS})
 * @param trustStorePasswordFile a file holding its password
 * @param trustCertPem a PEM file with the certificate(s) to trust
 */
public record StagingClientTrust(Optional<Path> trustStore, String trustStoreType,
    Optional<Path> trustStorePasswordFile, Optional<Path> trustCertPem) {

    /** Where the settings live in the configuration. */
    public static final String PATH = UploadSettings.PATH + ".tls";

    /** The JVM's default trust. */
    public static final StagingClientTrust DEFAULT = new StagingClientTrust(Optional.empty(), "PKCS12",
        Optional.empty(), Optional.empty());

    private static final String SSL_PREFIX = "spark.ssl.kubernetes.resourceStagingServer.";

    /** Rejects a trust store together with a PEM file. */
    public StagingClientTrust {
        if (trustStore.isPresent() && trustCertPem.isPresent()) {
            throw new IllegalArgumentException(PATH + ": both trust-store (" + trustStore.get() + ") and"
                + " trust-cert-pem (" + trustCertPem.get() + ") are set; give one of them");
        }
    }

    /**
     * The settings of the {@code uploads.tls} block; the files are read once here, so that a missing or
     * unreadable one stops the daemon at start with the setting's name rather than failing each upload.
     */
    static StagingClientTrust fromConfig(Config tls) {
        StagingClientTrust trust = new StagingClientTrust(path(tls, "trust-store"),
            tls.getString("trust-store-type").strip(), path(tls, "trust-store-password-file"),
            path(tls, "trust-cert-pem"));
        try {
            trust.sslContext();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PATH + "." + (trust.trustStore.isPresent() ? "trust-store"
                : "trust-cert-pem") + ": " + e.getMessage(), e);
        }
        return trust;
    }

    private static Optional<Path> path(Config tls, String key) {
        String value = tls.getString(key).strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(value);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(PATH + "." + key + ": '" + value + "' is not a readable file");
        }
        return Optional.of(file);
    }

    /** Whether the JVM's default trust applies. */
    public boolean isDefault() {
        return trustStore.isEmpty() && trustCertPem.isEmpty();
    }

    /** The TLS context of the daemon's staging client; empty for the JVM's default trust. */
    public Optional<SSLContext> sslContext() {
        if (trustStore.isPresent()) {
            char[] password = trustStorePasswordFile.map(StagingTls::readPasswordFile).orElse(null);
            return Optional.of(StagingTls.clientFromTrustStore(trustStore.get(), password, trustStoreType));
        }
        return trustCertPem.map(StagingTls::clientFromPem);
    }

    /**
     * The submission keys that hand this trust to the init-container ({@code internal.*}, which win over
     * the plain ones); none for the default trust.
     */
    public Map<String, String> submissionConf() {
        if (isDefault()) {
            return Map.of();
        }
        Map<String, String> conf = new LinkedHashMap<>();
        String prefix = SSL_PREFIX + "internal.";
        conf.put(SSL_PREFIX + "enabled", "true");
        trustStore.ifPresent(p -> {
            conf.put(prefix + "trustStore", p.toString());
            conf.put(prefix + "trustStoreType", trustStoreType);
        });
        trustStorePasswordFile.filter(p -> trustStore.isPresent())
            .ifPresent(p -> conf.put(prefix + "trustStorePasswordFile", p.toString()));
        trustCertPem.ifPresent(p -> conf.put(prefix + "clientCertPem", p.toString()));
        return Map.copyOf(conf);
    }

    /** Whether {@code key} is one of the client trust keys of the staging server (plain or internal). */
    static boolean isTrustKey(String key) {
        return key.startsWith(SSL_PREFIX);
    }
}
