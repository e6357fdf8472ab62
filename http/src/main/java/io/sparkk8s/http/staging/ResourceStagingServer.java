package io.sparkk8s.http.staging;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.staging.store.BlobStore;
import io.sparkk8s.staging.store.ChangeNotifyingBlobStore;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource staging server: a {@link BlobStore} behind {@link ResourceStagingRoutes}, bound with
 * the timeouts and TLS of its {@link StagingServerSettings}; bundles never downloaded within {@code
 * initial-access-expiration-timeout} are expired, and, with {@link OwnerCleanup}, used bundles are
 * deleted once their owners are gone.
 */
public final class ResourceStagingServer {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceStagingServer.class);

    private final ServerBinding binding;
    private final BlobStore store;
    private final Runnable stopCleanup;
    private final OwnerCleanup ownerCleanup;

    private ResourceStagingServer(ServerBinding binding, BlobStore store, Runnable stopCleanup,
        OwnerCleanup ownerCleanup) {
        this.binding = binding;
        this.store = store;
        this.stopCleanup = stopCleanup;
        this.ownerCleanup = ownerCleanup;
    }

    /**
     * Opens the local-disk store under {@code settings.storeRoot()} and binds the server.
     *
     * @throws IOException if the store cannot be opened
     */
    public static CompletionStage<ResourceStagingServer> start(ActorSystem<?> system, StagingServerSettings settings)
        throws IOException {
        Executor blockingIo = system.dispatchers().lookup(
            DispatcherSelector.fromConfig(StagingServerSettings.PATH + ".store-dispatcher"));
        BlobStore store = LocalDiskBlobStore.open(settings.storeRoot(), blockingIo, Materializer.matFromSystem(system));
        return start(system, settings, store);
    }

    /** Binds the server over {@code store}. */
    public static CompletionStage<ResourceStagingServer> start(ActorSystem<?> system, StagingServerSettings settings,
        BlobStore store) {
        return start(system, settings, store, Clock.systemUTC());
    }

    /** Binds the server over {@code store}, expiring bundles by {@code clock} (tests move it). */
    public static CompletionStage<ResourceStagingServer> start(ActorSystem<?> system, StagingServerSettings settings,
        BlobStore store, Clock clock) {
        ResourceStagingRoutes routes = new ResourceStagingRoutes(store, settings.maxBundleSize(),
            settings.maxOwnerSize(), () -> Files.isWritable(settings.storeRoot()));
        return bind(system, settings, routes).thenApply(binding -> {
            Duration interval = settings.expiryCheckInterval();
            Cancellable expiry = system.scheduler().scheduleWithFixedDelay(interval, interval, () ->
                store.expireUnused(clock.instant().minus(settings.initialAccessExpirationTimeout()))
                    .whenComplete((expired, failure) -> {
                        if (failure != null) {
                            LOG.warn("expiring unused bundles failed; will retry", failure);
                        }
                    }), system.executionContext());
            return new ResourceStagingServer(binding, store, expiry::cancel, null);
        });
    }

    /**
     * Binds the server over {@code store} with owner cleanup: an {@link OwnerCleanup} (owner watcher +
     * staged-resources cleaner, settings from {@code config}) replaces the expiry loop, hears of every
     * upload, download and delete at once, reports its watcher's health in {@code /healthz} and its
     * figures in {@code /metrics}.
     *
     * @param ownerClient the API server client the owner watcher uses; the caller closes it after
     *     {@link #stop()}
     */
    public static CompletionStage<ResourceStagingServer> start(ActorSystem<?> system, StagingServerSettings settings,
        BlobStore store, Clock clock, KubernetesClient ownerClient, Config config) {
        OwnerCleanup cleanup = OwnerCleanup.start(system, ownerClient, store, settings, config, clock);
        BlobStore notifying = new ChangeNotifyingBlobStore(store, (change, id) -> cleanup.storeChanged());
        ResourceStagingRoutes routes = new ResourceStagingRoutes(notifying, settings.maxBundleSize(),
            settings.maxOwnerSize(), () -> Files.isWritable(settings.storeRoot()), cleanup::healthJson,
            cleanup::prometheusText);
        return bind(system, settings, routes)
            .thenApply(binding -> new ResourceStagingServer(binding, notifying, cleanup::stop, cleanup))
            .whenComplete((server, failure) -> {
                if (failure != null) {
                    cleanup.stop();
                }
            });
    }

    private static CompletionStage<ServerBinding> bind(ActorSystem<?> system, StagingServerSettings settings,
        ResourceStagingRoutes routes) {
        ServerSettings defaults = ServerSettings.create(system.settings().config());
        ServerSettings serverSettings = defaults.withTimeouts(defaults.getTimeouts()
            .withIdleTimeout(scala(settings.idleTimeout()))
            .withRequestTimeout(settings.requestTimeout() == null ? scala.concurrent.duration.Duration.Inf()
                : scala(settings.requestTimeout())));
        ServerBuilder builder = Http.get(system).newServerAt(settings.bindAddress(), settings.port())
            .withSettings(serverSettings);
        if (settings.tls().isPresent()) {
            builder = builder.enableHttps(ConnectionContext.httpsServer(settings.tls().get()));
        }
        return builder.bind(routes.routes()).thenApply(binding -> {
            LOG.info("resource staging server listening on {}://{}:{} (store {})",
                settings.tls().isPresent() ? "https" : "http", binding.localAddress().getHostString(),
                binding.localAddress().getPort(), settings.storeRoot());
            return binding;
        });
    }

    /** Where the server listens. */
    public ServerBinding binding() {
        return binding;
    }

    /** The store it serves. */
    public BlobStore store() {
        return store;
    }

    /** The owner cleanup, when the server was started with one. */
    public Optional<OwnerCleanup> ownerCleanup() {
        return Optional.ofNullable(ownerCleanup);
    }

    /** Stops accepting connections and stops the expiry or cleanup; open requests get a moment to finish. */
    public CompletionStage<Void> stop() {
        stopCleanup.run();
        return binding.terminate(Duration.ofSeconds(5)).thenApply(terminated -> null);
    }

    private static scala.concurrent.duration.FiniteDuration scala(Duration duration) {
        return scala.concurrent.duration.FiniteDuration.fromNanos(duration.toNanos());
    }
}
