package io.sparkk8s.init;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What the init-container is told to do, read from its properties file (by default {@value
 * #DEFAULT_PATH}), with the original design's keys and defaults. Secrets are never in this file:
 * it names the files (mounted from a Secret) that hold them.
 *
 * @param jarsDownloadDir where jars go (shared with the Spark container)
 * @param filesDownloadDir where files go (shared with the Spark container)
 * @param mountTimeout how long localization may take in all
 * @param maxSimultaneousDownloads how many downloads run at once
 * @param remoteJars remote jar URIs to download
 * @param remoteFiles remote file URIs to download
 * @param jarsResourceId staged jars bundle id, if any
 * @param jarsSecretLocation file holding that bundle's secret
 * @param filesResourceId staged files bundle id, if any
 * @param filesSecretLocation file holding that bundle's secret
 * @param stagingServerUri the resource staging server, required when a bundle is to be downloaded
 * @param stagingServerTrust how to verify the staging server over https
 */
public record InitContainerProperties(
    Path jarsDownloadDir,
    Path filesDownloadDir,
    Duration mountTimeout,
    int maxSimultaneousDownloads,
    List<String> remoteJars,
    List<String> remoteFiles,
    Optional<String> jarsResourceId,
    Optional<Path> jarsSecretLocation,
    Optional<String> filesResourceId,
    Optional<Path> filesSecretLocation,
    Optional<URI> stagingServerUri,
    StagingServerTrust stagingServerTrust) {

    /** Where the submission client mounts the properties file. */
    public static final String DEFAULT_PATH = "/etc/spark-init/spark-init.properties";
    static final String JARS_DIR = "spark.kubernetes.mountdependencies.jarsDownloadDir";
    static final String FILES_DIR = "spark.kubernetes.mountdependencies.filesDownloadDir";
    static final String MOUNT_TIMEOUT = "spark.kubernetes.mountdependencies.mountTimeout";
    static final String MAX_DOWNLOADS = "spark.kubernetes.mountdependencies.maxSimultaneousDownloads";
    static final String REMOTE_JARS = "spark.kubernetes.initcontainer.remoteJars";
    static final String REMOTE_FILES = "spark.kubernetes.initcontainer.remoteFiles";
    static final String JARS_ID = "spark.kubernetes.initcontainer.downloadJarsResourceIdentifier";
    static final String JARS_SECRET = "spark.kubernetes.initcontainer.downloadJarsSecretLocation";
    static final String FILES_ID = "spark.kubernetes.initcontainer.downloadFilesResourceIdentifier";
    static final String FILES_SECRET = "spark.kubernetes.initcontainer.downloadFilesSecretLocation";
    static final String STAGING_URI = "spark.kubernetes.resourceStagingServer.uri";
    static final String STAGING_INTERNAL_URI = "spark.kubernetes.resourceStagingServer.internal.uri";

    /** Copies the lists. */
    public InitContainerProperties {
        remoteJars = List.copyOf(remoteJars);
        remoteFiles = List.copyOf(remoteFiles);
    }

    /** Reads and validates {@code file}; errors name the file or the key, the value and what is valid. */
    public static InitContainerProperties load(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigurationException("--properties-file", file + " does not exist");
        } catch (IOException e) {
            throw new InvalidConfigurationException("--properties-file", "cannot read " + file + ": " + e);
        }
        Optional<String> jarsId = optional(p, JARS_ID);
        Optional<String> filesId = optional(p, FILES_ID);
        Optional<Path> jarsSecret = optional(p, JARS_SECRET).map(Path::of);
        Optional<Path> filesSecret = optional(p, FILES_SECRET).map(Path::of);
        requireTogether(jarsId, JARS_ID, jarsSecret, JARS_SECRET);
        requireTogether(filesId, FILES_ID, filesSecret, FILES_SECRET);
        String uriKey = optional(p, STAGING_INTERNAL_URI).isPresent() ? STAGING_INTERNAL_URI : STAGING_URI;
        Optional<URI> stagingUri = optional(p, uriKey).map(v -> httpUri(uriKey, v));
        if (stagingUri.isEmpty() && (jarsId.isPresent() || filesId.isPresent())) {
            throw new InvalidConfigurationException(STAGING_URI, "must be set because a staged bundle is to be"
                + " downloaded (" + (jarsId.isPresent() ? JARS_ID : FILES_ID) + " is set)");
        }
        StagingServerTrust trust = StagingServerTrust.from(p);
        if (trust.enabled() && stagingUri.isPresent() && !"https".equals(stagingUri.get().getScheme())) {
            throw new InvalidConfigurationException(uriKey, "'" + stagingUri.get() + "' is not https:// but "
                + StagingServerTrust.ENABLED + " is true; use an https:// URI or disable TLS");
        }
        int maxDownloads = optional(p, MAX_DOWNLOADS).map(v -> positiveInt(MAX_DOWNLOADS, v)).orElse(5);
        return new InitContainerProperties(
            Path.of(p.getProperty(JARS_DIR, "/var/spark-data/spark-jars")),
            Path.of(p.getProperty(FILES_DIR, "/var/spark-data/spark-files")),
            optional(p, MOUNT_TIMEOUT).map(v -> parseDuration(MOUNT_TIMEOUT, v)).orElse(Duration.ofMinutes(5)),
            maxDownloads, list(p, REMOTE_JARS), list(p, REMOTE_FILES), jarsId, jarsSecret, filesId, filesSecret,
            stagingUri, trust);
    }

    /** Whether there is anything to localize at all. */
    public boolean hasWork() {
        return !remoteJars.isEmpty() || !remoteFiles.isEmpty() || jarsResourceId.isPresent()
            || filesResourceId.isPresent();
    }

    private static void requireTogether(Optional<?> a, String aKey, Optional<?> b, String bKey) {
        if (a.isPresent() != b.isPresent()) {
            String missing = a.isPresent() ? bKey : aKey;
            String present = a.isPresent() ? aKey : bKey;
            throw new InvalidConfigurationException(missing, "must be set because " + present + " is set");
        }
    }

    static Optional<String> optional(Properties p, String key) {
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static List<String> list(Properties p, String key) {
        return optional(p, key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .toList()).orElse(List.of());
    }

    private static URI httpUri(String key, String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new InvalidConfigurationException(key, "'" + value + "' is not an http:// or https:// URL"
                    + " with a host, e.g. https://staging.spark.svc:10000");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(key, "'" + value + "' is not a URL (" + e.getReason() + ")");
        }
    }

    private static int positiveInt(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException(key, "'" + value + "' is not a positive whole number");
    }

    /** Spark-style time strings as the original wrote them: {@code 300s}, {@code 5m}, {@code 5min}, {@code 1h}. */
    static Duration parseDuration(String key, String value) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)?").matcher(value.trim());
        if (!m.matches()) {
            throw new InvalidConfigurationException(key, "'" + value + "' is not a duration; use e.g. 300s, 5m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException(unit);
        };
    }
}
