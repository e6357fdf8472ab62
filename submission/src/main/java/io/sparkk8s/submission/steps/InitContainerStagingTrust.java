package io.sparkk8s.submission.steps;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Hands the init-container what it needs to verify the resource staging server over https: the
 * original design's {@code spark.ssl.kubernetes.resourceStagingServer.[internal.]*} client keys. The
 * trust store or CA certificate and the trust store password are files on the submitting machine;
 * their contents go into the init-container's Secret (never the ConfigMap) and the properties name
 * the paths where that Secret is mounted. The {@code internal.*} variants win: they describe the
 * server at the address the pod uses.
 */
final class InitContainerStagingTrust {

    static final String PREFIX = "spark.ssl.kubernetes.resourceStagingServer.";

    private InitContainerStagingTrust() {
    }

    /**
     * Adds the trust settings of {@code conf} to the init-container's {@code properties} and their file
     * contents to {@code secretData} (base64), mounted at {@code mountPath}.
     */
    static void apply(SparkConf conf, String mountPath, Map<String, String> properties,
        Map<String, String> secretData) {
        setting(conf, "enabled").ifPresent(v -> properties.put(PREFIX + "enabled", v.value()));
        setting(conf, "trustStoreType").ifPresent(v -> properties.put(PREFIX + "trustStoreType", v.value()));
        setting(conf, "trustStore").ifPresent(v -> mountFile(v, "stagingTrustStore", "trustStore", mountPath,
            properties, secretData));
        setting(conf, "clientCertPem").ifPresent(v -> mountFile(v, "stagingServerCert.pem", "clientCertPem",
            mountPath, properties, secretData));
        Optional<byte[]> password = setting(conf, "trustStorePasswordFile").map(InitContainerStagingTrust::read)
            .or(() -> setting(conf, "trustStorePassword").map(v -> v.value().getBytes(StandardCharsets.UTF_8)));
        password.ifPresent(bytes -> {
            secretData.put("stagingTrustStorePassword", Base64.getEncoder().encodeToString(bytes));
            properties.put(PREFIX + "trustStorePasswordFile", mountPath + "/stagingTrustStorePassword");
        });
    }

    private static void mountFile(Setting setting, String secretKey, String name, String mountPath,
        Map<String, String> properties, Map<String, String> secretData) {
        secretData.put(secretKey, Base64.getEncoder().encodeToString(read(setting)));
        properties.put(PREFIX + name, mountPath + "/" + secretKey);
    }

    private static byte[] read(Setting setting) {
        Path file = Path.of(setting.value().replaceFirst("^file://", ""));
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SubmissionConfigurationException(setting.key(), "cannot read '" + setting.value() + "' ("
                + e.getMessage() + "); give a readable file on the submitting machine, it is copied into the"
                + " init-container's Secret");
        }
    }

    private static Optional<Setting> setting(SparkConf conf, String name) {
        String internal = PREFIX + "internal." + name;
        return conf.get(internal).filter(v -> !v.isBlank()).map(v -> new Setting(internal, v.trim()))
            .or(() -> conf.get(PREFIX + name).filter(v -> !v.isBlank()).map(v -> new Setting(PREFIX + name,
                v.trim())));
    }

    private record Setting(String key, String value) {
    }
}
