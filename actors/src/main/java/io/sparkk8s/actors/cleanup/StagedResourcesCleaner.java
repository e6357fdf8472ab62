package io.sparkk8s.actors.cleanup;

import io.sparkk8s.actors.owners.OwnerWatcher;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.store.BundleEntry;
import io.sparkk8s.staging.store.BundleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Deletes staged bundles when they are no longer needed:
 * <ul>
 *   <li>a bundle never downloaded ({@link BundleState#UNUSED}) is deleted {@link CleanerSettings#unusedTimeout()}
 *       after its upload, unless it is downloaded first (the store decides that race atomically);</li>
 *   <li>a downloaded bundle ({@link BundleState#USED}) is deleted as soon as the {@link OwnerWatcher} reports
 *       that no object matches its owner any more, or that the owner's namespace is gone.</li>
 * </ul>
 *
 * <p>The store's durable index is the truth: the cleaner scans it at start (so it resumes after a restart),
 * every {@link CleanerSettings#storeScanInterval()}, and whenever it is sent {@link Rescan} (the staging
 * server sends one after an upload, a first download or a delete, so reactions do not wait for the next
 * scan). A deletion the store fails is retried; nothing is forgotten.
 */
public final class StagedResourcesCleaner {

    private StagedResourcesCleaner() {
    }

    /** What the cleaner accepts. */
    public sealed interface Command {
    }

    /** The store changed (an upload, a first download, a delete): compare it with what the cleaner tracks. */
    public record Rescan() implements Command {
    }

    /** Send every later {@link BundleDeleted} to {@code subscriber} too (logs, tests, an audit trail). */
    public record Subscribe(ActorRef<BundleDeleted> subscriber) implements Command {
    }

    /** Reply with the bundles tracked now, once the first scan of the store is done. */
    public record GetTracked(ActorRef<Tracked> replyTo) implements Command {
    }

    /** The cleaner deleted {@code entry} because of {@code reason}. */
    public record BundleDeleted(BundleEntry entry, DeletionReason reason) {
    }

    /**
     * The bundles the cleaner tracks, by id.
     *
     * @param states each bundle's state as the cleaner last saw it
     */
    public record Tracked(Map<String, BundleState> states) {

        /** Copies the map. */
        public Tracked {
            states = Map.copyOf(states);
        }
    }

    private record OwnerEventReceived(OwnerWatcher.OwnerEvent event) implements Command {
    }

    private enum ScanTick implements Command {
        INSTANCE
    }

    private record Scanned(List<BundleEntry> entries) implements Command {
    }

    private record ScanFailed(Throwable error) implements Command {
    }

    private record ExpiryDue(String id) implements Command {
    }

    private record Expired(String dueId, List<BundleEntry> deleted) implements Command {
    }

    private record ExpireFailed(String dueId, Throwable error) implements Command {
    }

    private record Deletion(BundleEntry entry, DeletionReason reason, Instant ownerGoneObservedAt) {
    }

    private record DeleteDone(Deletion deletion, boolean existed) implements Command {
    }

    private record DeleteFailed(Deletion deletion, Throwable error) implements Command {
    }

    private record RetryDelete(Deletion deletion) implements Command {
    }

    /**
     * A cleaner of {@code bundles}.
     *
     * @param bundles the store
     * @param ownerWatcher who follows the owners of used bundles
     * @param settings timeouts and intervals
     * @param clock the clock the store stamps {@code created} with
     * @param metrics where figures are counted
     */
    public static Behavior<Command> create(StagedBundles bundles, ActorRef<OwnerWatcher.Command> ownerWatcher,
        CleanerSettings settings, Clock clock, CleanupCounters metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.setLoggerName(StagedResourcesCleaner.class);
            Running running = new Running(ctx, timers, bundles, ownerWatcher, settings, clock, metrics);
            timers.startTimerWithFixedDelay(ScanTick.INSTANCE, settings.storeScanInterval());
            running.scan();
            return running.behavior();
        }));
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final StagedBundles bundles;
        private final ActorRef<OwnerWatcher.Command> ownerWatcher;
        private final ActorRef<OwnerWatcher.OwnerEvent> ownerEvents;
        private final CleanerSettings settings;
        private final Clock clock;
        private final CleanupCounters metrics;

        private final Map<String, BundleEntry> tracked = new HashMap<>();
        private final Map<StagedResourcesOwner, Set<String>> usedByOwner = new HashMap<>();
        private final Set<String> deleting = new HashSet<>();
        private final Set<ActorRef<BundleDeleted>> subscribers = new LinkedHashSet<>();
        private final List<ActorRef<Tracked>> waitingForFirstScan = new ArrayList<>();
        private long trackedBytes;
        private boolean scanned;
        private boolean scanning;
        private boolean scanAgain;

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, StagedBundles bundles,
            ActorRef<OwnerWatcher.Command> ownerWatcher, CleanerSettings settings, Clock clock,
            CleanupCounters metrics) {
            this.ctx = ctx;
            this.timers = timers;
            this.bundles = bundles;
            this.ownerWatcher = ownerWatcher;
            this.ownerEvents = ctx.messageAdapter(OwnerWatcher.OwnerEvent.class, OwnerEventReceived::new);
            this.settings = settings;
            this.clock = clock;
            this.metrics = metrics;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Rescan.class, msg -> {
                    scan();
                    return Behaviors.same();
                })
                .onMessage(ScanTick.class, msg -> {
                    scan();
                    return Behaviors.same();
                })
                .onMessage(Subscribe.class, msg -> {
                    subscribers.add(msg.subscriber());
                    return Behaviors.same();
                })
                .onMessage(GetTracked.class, this::onGetTracked)
                .onMessage(Scanned.class, this::onScanned)
                .onMessage(ScanFailed.class, this::onScanFailed)
                .onMessage(ExpiryDue.class, this::onExpiryDue)
                .onMessage(Expired.class, this::onExpired)
                .onMessage(ExpireFailed.class, this::onExpireFailed)
                .onMessage(OwnerEventReceived.class, this::onOwnerEvent)
                .onMessage(DeleteDone.class, this::onDeleteDone)
                .onMessage(DeleteFailed.class, this::onDeleteFailed)
                .onMessage(RetryDelete.class, msg -> {
                    startDeletion(msg.deletion());
                    return Behaviors.same();
                })
                .build();
        }

        void scan() {
            if (scanning) {
                scanAgain = true;
                return;
            }
            scanning = true;
            ctx.pipeToSelf(bundles.list(), (entries, error) -> error == null ? new Scanned(entries)
                : new ScanFailed(error));
        }

        private Behavior<Command> onGetTracked(GetTracked msg) {
            if (scanned) {
                msg.replyTo().tell(trackedNow());
            } else {
                waitingForFirstScan.add(msg.replyTo());
            }
            return Behaviors.same();
        }

        private Tracked trackedNow() {
            return new Tracked(tracked.values().stream()
                .collect(Collectors.toMap(BundleEntry::id, BundleEntry::state)));
        }

        private Behavior<Command> onScanned(Scanned msg) {
            scanning = false;
            Map<String, BundleEntry> inStore = new HashMap<>();
            msg.entries().forEach(e -> inStore.put(e.id(), e));
            for (String id : List.copyOf(tracked.keySet())) {
                if (!inStore.containsKey(id) && !deleting.contains(id)) {
                    ctx.getLog().debug("cleaner: bundle {} was deleted by someone else", id);
                    untrack(id);
                }
            }
            for (BundleEntry entry : msg.entries()) {
                if (!deleting.contains(entry.id())) {
                    track(entry);
                }
            }
            if (!scanned) {
                scanned = true;
                ctx.getLog().info("cleaner: tracking {} bundle(s) from the store's index", tracked.size());
                Tracked now = trackedNow();
                waitingForFirstScan.forEach(ref -> ref.tell(now));
                waitingForFirstScan.clear();
            }
            if (scanAgain) {
                scanAgain = false;
                scan();
            }
            return Behaviors.same();
        }

        private Behavior<Command> onScanFailed(ScanFailed msg) {
            scanning = false;
            ctx.getLog().warn("cleaner: could not list the store ({}); trying again at the next scan",
                msg.error().toString());
            return Behaviors.same();
        }

        private void track(BundleEntry entry) {
            BundleEntry previous = tracked.put(entry.id(), entry);
            trackedBytes += entry.size() - (previous == null ? 0 : previous.size());
            publishGauges();
            if (entry.state() == BundleState.UNUSED) {
                if (previous == null) {
                    scheduleExpiry(entry);
                }
                return;
            }
            if (previous == null || previous.state() == BundleState.UNUSED) {
                timers.cancel(expiryKey(entry.id()));
                Set<String> ids = usedByOwner.computeIfAbsent(entry.owner(), o -> new HashSet<>());
                if (ids.isEmpty()) {
                    ownerWatcher.tell(new OwnerWatcher.Watch(entry.owner(), ownerEvents));
                }
                ids.add(entry.id());
            }
        }

        private void untrack(String id) {
            BundleEntry entry = tracked.remove(id);
            timers.cancel(expiryKey(id));
            if (entry == null) {
                return;
            }
            trackedBytes -= entry.size();
            publishGauges();
            Set<String> ids = usedByOwner.get(entry.owner());
            if (ids != null && ids.remove(id) && ids.isEmpty()) {
                usedByOwner.remove(entry.owner());
                ownerWatcher.tell(new OwnerWatcher.Unwatch(entry.owner(), ownerEvents));
            }
        }

        private static String expiryKey(String id) {
            return "expire:" + id;
        }

        private void scheduleExpiry(BundleEntry entry) {
            Duration delay = Duration.between(clock.instant(), entry.created().plus(settings.unusedTimeout()));
            timers.startSingleTimer(expiryKey(entry.id()), new ExpiryDue(entry.id()),
                delay.isNegative() ? Duration.ZERO : delay);
        }

        private Behavior<Command> onExpiryDue(ExpiryDue msg) {
            BundleEntry entry = tracked.get(msg.id());
            if (entry == null || entry.state() != BundleState.UNUSED || deleting.contains(msg.id())) {
                return Behaviors.same();
            }
            ctx.pipeToSelf(bundles.expireUnused(clock.instant().minus(settings.unusedTimeout())),
                (deleted, error) -> error == null ? new Expired(msg.id(), deleted) : new ExpireFailed(msg.id(), error));
            return Behaviors.same();
        }

        private Behavior<Command> onExpired(Expired msg) {
            for (BundleEntry entry : msg.deleted()) {
                ctx.getLog().info("cleaner: bundle {} of owner {} never downloaded since {}, deleted", entry.id(),
                    entry.owner(), entry.created());
                deleted(new Deletion(entry, DeletionReason.UNUSED_EXPIRED, null));
            }
            BundleEntry due = tracked.get(msg.dueId());
            if (due != null && due.state() == BundleState.UNUSED) {
                // Not expired by the store: either downloaded meanwhile (the next scan sees it used) or due later.
                if (due.created().plus(settings.unusedTimeout()).isAfter(clock.instant())) {
                    scheduleExpiry(due);
                } else {
                    scan();
                }
            }
            return Behaviors.same();
        }

        private Behavior<Command> onExpireFailed(ExpireFailed msg) {
            ctx.getLog().warn("cleaner: could not expire unused bundles ({}); trying again in {}",
                msg.error().toString(), settings.deleteRetryInterval());
            timers.startSingleTimer(expiryKey(msg.dueId()), new ExpiryDue(msg.dueId()),
                settings.deleteRetryInterval());
            return Behaviors.same();
        }

        private Behavior<Command> onOwnerEvent(OwnerEventReceived msg) {
            if (!(msg.event() instanceof OwnerWatcher.OwnerGone gone)) {
                return Behaviors.same();
            }
            Set<String> ids = usedByOwner.get(gone.owner());
            if (ids == null) {
                return Behaviors.same();
            }
            DeletionReason reason = gone.reason() == OwnerWatcher.GoneReason.NAMESPACE_DELETED
                ? DeletionReason.NAMESPACE_DELETED : DeletionReason.OWNER_DELETED;
            for (String id : List.copyOf(ids)) {
                BundleEntry entry = tracked.get(id);
                if (entry != null && !deleting.contains(id)) {
                    startDeletion(new Deletion(entry, reason, gone.observedAt()));
                }
            }
            return Behaviors.same();
        }

        private void startDeletion(Deletion deletion) {
            String id = deletion.entry().id();
            if (!tracked.containsKey(id)) {
                return;
            }
            deleting.add(id);
            ctx.pipeToSelf(bundles.delete(id), (existed, error) -> error == null
                ? new DeleteDone(deletion, existed) : new DeleteFailed(deletion, error));
        }

        private Behavior<Command> onDeleteDone(DeleteDone msg) {
            BundleEntry entry = msg.deletion().entry();
            deleting.remove(entry.id());
            if (msg.existed()) {
                ctx.getLog().info("cleaner: bundle {} deleted, its owner {} is gone ({})", entry.id(), entry.owner(),
                    msg.deletion().reason());
                deleted(msg.deletion());
            } else {
                untrack(entry.id());
            }
            return Behaviors.same();
        }

        private Behavior<Command> onDeleteFailed(DeleteFailed msg) {
            deleting.remove(msg.deletion().entry().id());
            ctx.getLog().warn("cleaner: could not delete bundle {} ({}); trying again in {}",
                msg.deletion().entry().id(), msg.error().toString(), settings.deleteRetryInterval());
            timers.startSingleTimer("delete:" + msg.deletion().entry().id(), new RetryDelete(msg.deletion()),
                settings.deleteRetryInterval());
            return Behaviors.same();
        }

        private void deleted(Deletion deletion) {
            untrack(deletion.entry().id());
            metrics.deleted(deletion.reason());
            if (deletion.ownerGoneObservedAt() != null) {
                metrics.ownerGoneToDeletion(Duration.between(deletion.ownerGoneObservedAt(), clock.instant()));
            }
            BundleDeleted event = new BundleDeleted(deletion.entry(), deletion.reason());
            subscribers.forEach(ref -> ref.tell(event));
        }

        private void publishGauges() {
            metrics.stored(tracked.size(), trackedBytes);
        }
    }
}
