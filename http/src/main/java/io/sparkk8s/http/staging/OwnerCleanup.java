package io.sparkk8s.http.staging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.actors.cleanup.BlobStoreStagedBundles;
import io.sparkk8s.actors.cleanup.CleanerSettings;
import io.sparkk8s.actors.cleanup.CleanupCounters;
import io.sparkk8s.actors.cleanup.CleanupMetrics;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.NamespaceWatchStatus;
import io.sparkk8s.actors.owners.OwnerWatchHealth;
import io.sparkk8s.actors.owners.OwnerWatcher;
import io.sparkk8s.actors.owners.OwnerWatcherSettings;
import io.sparkk8s.staging.store.BlobStore;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The staging server's cleanup of bundles whose owners are gone: an {@link OwnerWatcher} following
 * the owners' pods and namespaces through the API server, and a {@link StagedResourcesCleaner} that
 * expires bundles never downloaded and deletes used bundles once their owners are gone. It replaces
 * the server's own expiry loop. Switched off by {@code spark-k8s.staging-server.owner-cleanup.enabled
 * = false} for running without a cluster.
 */
public final class OwnerCleanup {

    /** The setting that switches owner cleanup on (the default) or off. */
    public static final String ENABLED = StagingServerSettings.PATH + ".owner-cleanup.enabled";

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ActorRef<Command> supervisor;
    private final OwnerWatchHealth health;
    private final CleanupCounters metrics;

    private OwnerCleanup(ActorRef<Command> supervisor, OwnerWatchHealth health, CleanupCounters metrics) {
        this.supervisor = supervisor;
        this.health = health;
        this.metrics = metrics;
    }

    /** Whether {@code config} switches owner cleanup on ({@value #ENABLED}). */
    public static boolean enabled(Config config) {
        return config.getBoolean(ENABLED);
    }

    /**
     * Starts the watcher and the cleaner over {@code store}, with the actors' settings from {@code
     * config} and the server's {@code initial-access-expiration-timeout}.
     *
     * @param client the API server client the watcher lists and watches with; the caller closes it
     * @param clock the clock the store stamps bundles with
     */
    public static OwnerCleanup start(ActorSystem<?> system, KubernetesClient client, BlobStore store,
        StagingServerSettings settings, Config config, Clock clock) {
        OwnerWatchHealth health = new OwnerWatchHealth();
        CleanupCounters metrics = new CleanupCounters();
        Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig(OwnerWatcher.BLOCKING_IO_DISPATCHER));
        OwnerWatcherSettings watcherSettings = OwnerWatcherSettings.fromConfig(config);
        CleanerSettings cleanerSettings = CleanerSettings.fromConfig(config)
            .withUnusedTimeout(settings.initialAccessExpirationTimeout());
        Behavior<Command> behavior = Behaviors.setup(ctx -> {
            var watcher = ctx.spawn(OwnerWatcher.create(client, io, watcherSettings, clock, health), "owner-watcher");
            var cleaner = ctx.spawn(StagedResourcesCleaner.create(new BlobStoreStagedBundles(store), watcher,
                cleanerSettings, clock, metrics), "staged-resources-cleaner");
            return Behaviors.receive(Command.class)
                .onMessage(StoreChanged.class, changed -> {
                    cleaner.tell(new StagedResourcesCleaner.Rescan());
                    return Behaviors.same();
                })
                .onMessage(Stop.class, stop -> Behaviors.stopped())
                .build();
        });
        ActorRef<Command> supervisor = system.systemActorOf(behavior,
            "staging-owner-cleanup-" + INSTANCES.incrementAndGet(), Props.empty());
        return new OwnerCleanup(supervisor, health, metrics);
    }

    /** Tells the cleaner the store changed (an upload, a first download, a delete): it rescans now. */
    public void storeChanged() {
        supervisor.tell(StoreChanged.INSTANCE);
    }

    /** The owner watcher's health, per namespace. */
    public OwnerWatchHealth health() {
        return health;
    }

    /** Bundles, bytes, deletions by reason and owner-gone-to-deleted latency. */
    public CleanupMetrics metrics() {
        return metrics;
    }

    /** Stops the watcher (and its informers) and the cleaner. */
    public void stop() {
        supervisor.tell(Stop.INSTANCE);
    }

    /**
     * The {@code ownerWatcher} part of {@code /healthz}: healthy or not, and each watched namespace.
     * An unhealthy watcher keeps bundles (it never deletes without evidence) but does not stop the
     * server from serving, so it is reported here and not in readiness.
     */
    ObjectNode healthJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("healthy", health.healthy());
        node.put("unhealthyNamespaces", health.unhealthyNamespaces());
        ObjectNode namespaces = node.putObject("namespaces");
        for (NamespaceWatchStatus status : health.namespaces()) {
            ObjectNode ns = namespaces.putObject(status.namespace() + "/" + status.ownerType());
            ns.put("owners", status.owners());
            ns.put("synced", status.synced());
            ns.put("watching", status.watching());
            ns.put("forbidden", status.forbidden());
            status.lastError().ifPresent(error -> ns.put("lastError", error));
            ns.put("changedAt", status.changedAt().toString());
        }
        return node;
    }

    private interface Command {
    }

    private enum StoreChanged implements Command {
        INSTANCE
    }

    private enum Stop implements Command {
        INSTANCE
    }
}
