package io.sparkk8s.staging.client;

import com.typesafe.config.ConfigFactory;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.staging.BulkTransferTuning;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.ResourceStagerFactory;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ResourceStagerFactory} the CLI finds through {@link java.util.ServiceLoader}: an {@link
 * HttpResourceStager} over its own small actor system, verifying an https server with the original
 * design's client keys {@code spark.ssl.kubernetes.resourceStagingServer.{trustStore,
 * trustStorePassword, trustStorePasswordFile, trustStoreType, clientCertPem}} (without them, the
 * JVM's default trust). Upload progress is logged every 5 seconds.
 *
 * <p>The actor system's threads are daemon threads, so a CLI that never closes the stager still
 * exits; embedders close it ({@link ClosableStager#close()}).
 */
public final class HttpResourceStagerFactory implements ResourceStagerFactory {

    /** Prefix of the client TLS keys. */
    public static final String SSL_PREFIX = "spark.ssl.kubernetes.resourceStagingServer.";

    private static final Logger LOG = LoggerFactory.getLogger(HttpResourceStagerFactory.class);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration TERMINAL_INTERVAL = Duration.ofMillis(200);

    @Override
    public ClosableStager create(URI stagingServer, SparkConf conf) {
        Optional<SSLContext> tls = clientTls(stagingServer, conf);
        ActorSystem system = ActorSystem.create("spark-k8s-stager", ConfigFactory
            .parseString("pekko.daemonic = on\npekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
            .withFallback(BulkTransferTuning.load(HttpResourceStagerFactory.class.getClassLoader())),
            HttpResourceStagerFactory.class.getClassLoader());
        Executor blockingIo = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
        // On a terminal a progress bar redrawn in place; otherwise (CI, logs, pipes) a line every 5 s.
        boolean terminal = System.console() != null;
        ProgressListener progress = terminal
            ? new TerminalProgressBar(System.err, "staging to " + stagingServer.getAuthority())
            : p -> logProgress(stagingServer, p);
        HttpResourceStager stager = new HttpResourceStager(new ResourceStagingClient(system, stagingServer, tls),
            blockingIo, false, progress, terminal ? TERMINAL_INTERVAL : PROGRESS_INTERVAL);
        return new ClosableStager(stager, system);
    }

    /**
     * The TLS context to verify {@code stagingServer} with: from a trust store, else from a PEM
     * certificate, else empty (the JVM's default trust applies to https).
     *
     * @throws InvalidConfigurationException naming the key whose value cannot be used
     */
    static Optional<SSLContext> clientTls(URI stagingServer, SparkConf conf) {
        boolean https = "https".equals(String.valueOf(stagingServer.getScheme()).toLowerCase(Locale.ROOT));
        boolean enabled = conf.get(SSL_PREFIX + "enabled").map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
        if (enabled && !https) {
            throw new InvalidConfigurationException("spark.kubernetes.resourceStagingServer.uri", "'" + stagingServer
                + "' is not https:// but " + SSL_PREFIX + "enabled is true; use an https:// URL or disable TLS");
        }
        Optional<String> trustStore = conf.get(SSL_PREFIX + "trustStore");
        Optional<String> clientCertPem = conf.get(SSL_PREFIX + "clientCertPem");
        if (!https) {
            return Optional.empty();
        }
        if (trustStore.isPresent()) {
            char[] password = conf.get(SSL_PREFIX + "trustStorePasswordFile")
                .map(file -> {
                    try {
                        return StagingTls.readPasswordFile(Path.of(file));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidConfigurationException(SSL_PREFIX + "trustStorePasswordFile",
                            e.getMessage());
                    }
                })
                .or(() -> conf.get(SSL_PREFIX + "trustStorePassword").map(String::toCharArray)).orElse(null);
            try {
                return Optional.of(StagingTls.clientFromTrustStore(Path.of(trustStore.get()), password,
                    conf.get(SSL_PREFIX + "trustStoreType").orElse("PKCS12")));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(SSL_PREFIX + "trustStore", e.getMessage());
            }
        }
        try {
            return clientCertPem.map(pem -> StagingTls.clientFromPem(Path.of(pem)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(SSL_PREFIX + "clientCertPem", e.getMessage());
        }
    }

    private static void logProgress(URI server, StagingProgress progress) {
        String share = progress.finished() ? ", done" : progress.fraction().isPresent()
            ? String.format(Locale.ROOT, ", %d%%", (int) Math.floor(progress.fraction().getAsDouble() * 100)) : "";
        LOG.info("staging to {}: {} MiB uploaded ({} MiB/s){}", server, String.format(Locale.ROOT, "%.1f",
            progress.bytes() / 1048576.0), String.format(Locale.ROOT, "%.1f", progress.bytesPerSecond() / 1048576.0),
            share);
    }

    /**
     * An {@link HttpResourceStager} that owns the actor system it runs on; {@link #close()} shuts the
     * connection pools down and terminates the system.
     */
    public static final class ClosableStager implements ResourceStager, AutoCloseable {

        private final HttpResourceStager stager;
        private final ActorSystem system;

        ClosableStager(HttpResourceStager stager, ActorSystem system) {
            this.stager = stager;
            this.system = system;
        }

        @Override
        public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles,
            String ownerNamespace, Map<String, String> ownerLabels) {
            return stager.uploadResources(localFiles, ownerNamespace, ownerLabels);
        }

        @Override
        public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
            return stager.deleteResources(bundle);
        }

        /** Whether the actor system runs on daemon threads (so it never keeps a JVM alive). */
        boolean daemonic() {
            return system.settings().Daemonicity();
        }

        @Override
        public void close() {
            try {
                Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("connection pools did not shut down cleanly", e);
            }
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("stager actor system did not terminate in time", e);
            }
        }
    }
}
