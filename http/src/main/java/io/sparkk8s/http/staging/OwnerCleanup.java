package io.sparkk8s.http.staging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.actors.cleanup.BlobStoreStagedBundles;
import io.sparkk8s.actors.cleanup.CleanerSettings;
import io.sparkk8s.actors.cleanup.CleanupCounters;
import io.sparkk8s.actors.cleanup.CleanupMetrics;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.NamespaceWatchStatus;
import io.sparkk8s.actors.owners.OwnerWatchHealth;
import io.sparkk8s.actors.owners.OwnerWatcher;
import io.sparkk8s.actors.owners.OwnerWatcherSettings;
import io.sparkk8s.staging.store.BlobStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Locale;
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

    /**
     * The cleanup's figures in the Prometheus text format: bundles and bytes stored, deletions by
     * reason, the owner-gone-to-bundle-deleted latency histogram and the unhealthy watched namespaces.
     */
    String prometheusText() {
        CleanupMetrics.Snapshot s = metrics.snapshot();
        StringBuilder out = new StringBuilder();
        gauge(out, "staging_bundles", "Bundles in the store.", s.bundlesStored());
        gauge(out, "staging_bundle_bytes", "Bytes of the bundles in the store.", s.bytesStored());
        out.append("# HELP staging_bundle_deletions_total Bundles deleted by the cleaner since start, by reason.\n")
            .append("# TYPE staging_bundle_deletions_total counter\n");
        for (DeletionReason reason : DeletionReason.values()) {
            out.append("staging_bundle_deletions_total{reason=\"").append(reason.name().toLowerCase(Locale.ROOT))
                .append("\"} ").append(s.deletions().getOrDefault(reason, 0L)).append('\n');
        }
        String histogram = "staging_owner_gone_to_bundle_deleted_seconds";
        out.append("# HELP ").append(histogram).append(" Time from an owner seen gone to its bundle deleted.\n")
            .append("# TYPE ").append(histogram).append(" histogram\n");
        for (int i = 0; i < CleanupMetrics.LATENCY_BUCKETS.size(); i++) {
            out.append(histogram).append("_bucket{le=\"").append(seconds(CleanupMetrics.LATENCY_BUCKETS.get(i)))
                .append("\"} ").append(s.latencyBucketCounts().get(i)).append('\n');
        }
        out.append(histogram).append("_bucket{le=\"+Inf\"} ").append(s.latencyCount()).append('\n')
            .append(histogram).append("_sum ").append(seconds(s.latencySum())).append('\n')
            .append(histogram).append("_count ").append(s.latencyCount()).append('\n');
        gauge(out, "staging_owner_watch_unhealthy_namespaces",
            "Watched namespaces whose deletions are not seen now (API server unreachable, RBAC missing).",
            health.unhealthyNamespaces());
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    private static String seconds(java.time.Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
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
