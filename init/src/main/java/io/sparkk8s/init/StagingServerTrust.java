package io.sparkk8s.init;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.staging.tls.StagingTls;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;

/**
 * How the init-container verifies the resource staging server over https, from the original
 * design's {@code spark.ssl.kubernetes.resourceStagingServer.*} client keys (the {@code internal.*}
 * variants win, as they describe the server at its in-cluster address). The trust store and PEM
 * files are mounted into the init-container; with neither, the JVM's default trust applies.
 *
 * @param enabled {@code spark.ssl.kubernetes.resourceStagingServer.enabled}
 * @param trustStore a trust store file
 * @param trustStorePassword its password, if given inline
 * @param trustStorePasswordFile a file holding its password
 * @param trustStoreType its type (PKCS12 by default)
 * @param clientCertPem a PEM file with the CA or server certificate to trust
 */
public record StagingServerTrust(boolean enabled, Optional<Path> trustStore, Optional<String> trustStorePassword,
    Optional<Path> trustStorePasswordFile, Optional<String> trustStoreType, Optional<Path> clientCertPem) {

    static final String PREFIX = "spark.ssl.kubernetes.resourceStagingServer.";
    static final String ENABLED = PREFIX + "enabled";

    static StagingServerTrust from(Properties p) {
        String enabled = InitContainerProperties.optional(p, ENABLED).orElse("false");
        if (!enabled.equalsIgnoreCase("true") && !enabled.equalsIgnoreCase("false")) {
            throw new InvalidConfigurationException(ENABLED, "'" + enabled + "' is not true or false");
        }
        return new StagingServerTrust(Boolean.parseBoolean(enabled),
            setting(p, "trustStore").map(Path::of), setting(p, "trustStorePassword"),
            setting(p, "trustStorePasswordFile").map(Path::of), setting(p, "trustStoreType"),
            setting(p, "clientCertPem").map(Path::of));
    }

    private static Optional<String> setting(Properties p, String name) {
        return InitContainerProperties.optional(p, PREFIX + "internal." + name)
            .or(() -> InitContainerProperties.optional(p, PREFIX + name));
    }

    /**
     * The TLS context to verify the server with; empty for the JVM's default trust.
     *
     * @throws InvalidConfigurationException naming the key whose file cannot be used
     */
    public Optional<SSLContext> sslContext() {
        try {
            if (trustStore.isPresent()) {
                char[] password = trustStorePasswordFile.map(StagingTls::readPasswordFile)
                    .or(() -> trustStorePassword.map(String::toCharArray)).orElse(null);
                return Optional.of(StagingTls.clientFromTrustStore(trustStore.get(), password,
                    trustStoreType.orElse("PKCS12")));
            }
            return clientCertPem.map(StagingTls::clientFromPem);
        } catch (IllegalArgumentException e) {
            String key = PREFIX + (trustStore.isPresent() ? "trustStore" : "clientCertPem");
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }
}
