package io.sparkk8s.http.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.sparkk8s.staging.tls.StagingTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The submission daemon's settings, read once from {@code spark-k8s.daemon} (defaults, with their
 * environment variables, in the http module's {@code reference.conf}).
 *
 * @param bindAddress address to listen on
 * @param port port to listen on, 0 for any free one
 * @param tokensFile the bearer tokens file ({@link BearerTokens})
 * @param maxRequestSize largest JSON request body in bytes
 * @param maxPageSize largest page of a list
 * @param defaultPageSize page size when none is asked for
 * @param eventsPollInterval how often events of a submission made elsewhere are re-read
 * @param maxLogLines largest {@code tail} of a log request
 * @param idleTimeout HTTP idle timeout
 * @param requestTimeout HTTP request timeout
 * @param tls the server's TLS context, if TLS is enabled
 */
public record DaemonSettings(String bindAddress, int port, Path tokensFile, long maxRequestSize, int maxPageSize,
    int defaultPageSize, Duration eventsPollInterval, int maxLogLines, Duration idleTimeout, Duration requestTimeout,
    Optional<SSLContext> tls) {

    /** Where the settings live in the configuration. */
    public static final String PATH = "spark-k8s.daemon";

    /** The settings of {@code root}, with the defaults of {@code reference.conf} below it. */
    public static DaemonSettings fromConfig(Config root) {
        Config c = root.withFallback(defaults()).resolve().getConfig(PATH);
        DaemonSettings s = new DaemonSettings(c.getString("bind-address"), c.getInt("port"),
            Path.of(c.getString("tokens-file")), c.getBytes("max-request-size"), c.getInt("max-page-size"),
            c.getInt("default-page-size"), c.getDuration("events-poll-interval"), c.getInt("max-log-lines"),
            c.getDuration("idle-timeout"), c.getDuration("request-timeout"), tls(c.getConfig("tls")));
        if (s.defaultPageSize < 1 || s.defaultPageSize > s.maxPageSize) {
            throw new IllegalArgumentException(PATH + ".default-page-size: " + s.defaultPageSize
                + " must be between 1 and max-page-size (" + s.maxPageSize + ")");
        }
        return s;
    }

    /**
     * The defaults: {@code reference.conf} with system properties over it, its environment variables
     * ({@code SPARK_K8S_DAEMON_*}) substituted.
     */
    public static Config defaults() {
        return ConfigFactory.defaultReference(DaemonSettings.class.getClassLoader());
    }

    /** These settings listening on {@code host:newPort}. */
    public DaemonSettings withBinding(String host, int newPort) {
        return new DaemonSettings(host, newPort, tokensFile, maxRequestSize, maxPageSize, defaultPageSize,
            eventsPollInterval, maxLogLines, idleTimeout, requestTimeout, tls);
    }

    /** These settings reading tokens from {@code file}. */
    public DaemonSettings withTokensFile(Path file) {
        return new DaemonSettings(bindAddress, port, file, maxRequestSize, maxPageSize, defaultPageSize,
            eventsPollInterval, maxLogLines, idleTimeout, requestTimeout, tls);
    }

    private static Optional<SSLContext> tls(Config tls) {
        if (!tls.getBoolean("enabled")) {
            return Optional.empty();
        }
        String keyStore = tls.getString("key-store");
        String keyPem = tls.getString("key-pem");
        String certPem = tls.getString("server-cert-pem");
        if (!keyStore.isEmpty()) {
            String passwordFile = tls.getString("key-store-password-file");
            char[] password = passwordFile.isEmpty() ? tls.getString("key-store-password").toCharArray()
                : StagingTls.readPasswordFile(Path.of(passwordFile));
            return Optional.of(StagingTls.serverFromKeyStore(Path.of(keyStore), password,
                tls.getString("key-store-type")));
        }
        if (keyPem.isEmpty() || certPem.isEmpty()) {
            throw new IllegalArgumentException(PATH + ".tls.enabled is true but no key material is set: give"
                + " key-store, or both key-pem and server-cert-pem");
        }
        return Optional.of(StagingTls.serverFromPem(Path.of(certPem), Path.of(keyPem)));
    }
}
