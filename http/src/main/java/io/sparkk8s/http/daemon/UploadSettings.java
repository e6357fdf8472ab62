package io.sparkk8s.http.daemon;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the multipart {@code POST /v1/submissions}, read from {@code spark-k8s.daemon.uploads}
 * (defaults in the http module's {@code reference.conf}).
 *
 * @param stagingServer where the daemon streams the uploaded bundles; empty when uploads are off
 * @param internalUri where the init-container downloads them from
 * @param maxBundleSize largest {@code jars} or {@code files} part in bytes
 * @param requestTimeout request timeout of a multipart POST
 * @param trust the certificates the daemon trusts for an https staging server, handed to the submissions too
 */
public record UploadSettings(Optional<URI> stagingServer, String internalUri, long maxBundleSize,
    Duration requestTimeout, StagingClientTrust trust) {

    /** Where the settings live in the configuration. */
    public static final String PATH = DaemonSettings.PATH + ".uploads";

    /** Settings with the JVM's default trust. */
    public UploadSettings(Optional<URI> stagingServer, String internalUri, long maxBundleSize,
        Duration requestTimeout) {
        this(stagingServer, internalUri, maxBundleSize, requestTimeout, StagingClientTrust.DEFAULT);
    }

    /** The settings of {@code root}, with the defaults of {@code reference.conf} below it. */
    public static UploadSettings fromConfig(Config root) {
        Config c = root.withFallback(DaemonSettings.defaults()).resolve().getConfig(PATH);
        String uri = c.getString("staging-server-uri").strip();
        Optional<URI> staging = Optional.empty();
        if (!uri.isEmpty()) {
            URI parsed = URI.create(uri);
            if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
                throw new IllegalArgumentException(PATH + ".staging-server-uri: '" + uri + "' must start with http://"
                    + " or https://");
            }
            staging = Optional.of(parsed);
        }
        String internal = c.getString("staging-server-internal-uri").strip();
        long max = c.getBytes("max-bundle-size");
        if (max <= 0) {
            throw new IllegalArgumentException(PATH + ".max-bundle-size: " + max + " must be positive");
        }
        return new UploadSettings(staging, internal.isEmpty() ? uri : internal, max,
            c.getDuration("request-timeout"), StagingClientTrust.fromConfig(c.getConfig("tls")));
    }
}
