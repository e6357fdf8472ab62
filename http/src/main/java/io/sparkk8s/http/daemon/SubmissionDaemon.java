package io.sparkk8s.http.daemon;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The submission daemon: {@link SubmissionDaemonRoutes} over a backend, bound as its settings say. */
public final class SubmissionDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionDaemon.class);

    private final ServerBinding binding;

    private SubmissionDaemon(ServerBinding binding) {
        this.binding = binding;
    }

    /**
     * Binds the daemon.
     *
     * @param system the actor system to run on
     * @param settings where to listen, limits, TLS
     * @param backend the cluster
     * @param translator validates submissions
     * @param tokens the bearer tokens
     * @param metrics the metrics to count into
     */
    public static CompletionStage<SubmissionDaemon> start(ActorSystem<?> system, DaemonSettings settings,
        SubmissionBackend backend, SubmissionTranslator translator, Supplier<BearerTokens> tokens,
        DaemonMetrics metrics) {
        return start(system, settings, Optional.empty(), backend, translator, tokens, metrics);
    }

    /**
     * Binds the daemon, taking multipart submissions when {@code uploads} names a staging server.
     *
     * @param system the actor system to run on
     * @param settings where to listen, limits, TLS
     * @param uploads the staging server multipart requests' bundles are streamed to
     * @param backend the cluster
     * @param translator validates submissions
     * @param tokens the bearer tokens
     * @param metrics the metrics to count into
     */
    public static CompletionStage<SubmissionDaemon> start(ActorSystem<?> system, DaemonSettings settings,
        Optional<UploadSettings> uploads, SubmissionBackend backend, SubmissionTranslator translator,
        Supplier<BearerTokens> tokens, DaemonMetrics metrics) {
        SubmissionDaemonRoutes routes = new SubmissionDaemonRoutes(backend, translator, tokens, metrics, settings,
            uploads, Materializer.matFromSystem(system));
        ServerSettings defaults = ServerSettings.create(system.settings().config());
        ServerSettings serverSettings = defaults.withTimeouts(defaults.getTimeouts()
            .withIdleTimeout(scala(settings.idleTimeout()))
            .withRequestTimeout(scala(settings.requestTimeout())));
        ServerBuilder builder = Http.get(system).newServerAt(settings.bindAddress(), settings.port())
            .withSettings(serverSettings);
        if (settings.tls().isPresent()) {
            builder = builder.enableHttps(ConnectionContext.httpsServer(settings.tls().get()));
        }
        return builder.bind(routes.routes()).thenApply(binding -> {
            LOG.info("submission daemon listening on {}://{}:{}", settings.tls().isPresent() ? "https" : "http",
                binding.localAddress().getHostString(), binding.localAddress().getPort());
            return new SubmissionDaemon(binding);
        });
    }

    /** Where the daemon listens. */
    public ServerBinding binding() {
        return binding;
    }

    /** Stops accepting connections; open requests get a moment to finish. */
    public CompletionStage<Void> stop() {
        return binding.terminate(Duration.ofSeconds(5)).thenApply(terminated -> null);
    }

    private static scala.concurrent.duration.FiniteDuration scala(Duration duration) {
        return scala.concurrent.duration.FiniteDuration.fromNanos(duration.toNanos());
    }
}
