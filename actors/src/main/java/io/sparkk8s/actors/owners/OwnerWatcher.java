package io.sparkk8s.actors.owners;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sparkk8s.staging.StagedResourcesOwner;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Follows the owners of used staged bundles as they happen, so their bundles can go as soon as the
 * owners do. One fabric8 shared informer per namespace and owner type with at least one watched
 * owner: started with the first owner there, stopped with the last.
 *
 * <p>Only evidence deletes. A definite deletion (or relabelling) event from a watching informer that
 * leaves the cache without a match for an owner is evidence: the cache is then the namespace's state
 * at that event's resourceVersion, and the owner is reported {@link OwnerGone} at once. In every other
 * case (a deletion inferred by a relist after a lost watch, a reconnect, a new watch whose cache may
 * lag behind the pod that just downloaded the bundle) the watcher asks the API server with a
 * label-selector list first. A list that fails (API server unreachable, forbidden) reports nothing and
 * is retried: absence of evidence is not evidence of absence. A namespace that is gone or terminating
 * (seen by a cluster-wide namespace informer, or by the confirming list) is reported with
 * {@link GoneReason#NAMESPACE_DELETED}.
 *
 * <p>All fabric8 calls that can block run on the executor given at creation; informer callbacks
 * only send messages to this actor. The state of every informer is published in
 * {@link OwnerWatchHealth}.
 */
public final class OwnerWatcher {

    /** The dispatcher, configured in this module's {@code reference.conf}, for the watcher's blocking API calls. */
    public static final String BLOCKING_IO_DISPATCHER = "sparkk8s.actors.blocking-dispatcher";

    private OwnerWatcher() {
    }

    /** What the watcher accepts. */
    public sealed interface Command {
    }

    /**
     * Start following {@code owner} for {@code replyTo}; it gets an {@link OwnerGone} each time the
     * owner is confirmed gone, until it sends {@link Unwatch} or stops (the watcher death-watches its
     * subscribers and drops every watch of one that stops). Watching an owner whose objects are already
     * gone reports it gone once the namespace's informer has synced.
     */
    public record Watch(StagedResourcesOwner owner, ActorRef<OwnerEvent> replyTo) implements Command {
    }

    /** Stop following {@code owner} for {@code replyTo}; the last one out stops the namespace's informer. */
    public record Unwatch(StagedResourcesOwner owner, ActorRef<OwnerEvent> replyTo) implements Command {
    }

    /** What a watching actor is told. */
    public sealed interface OwnerEvent {
        /** The owner concerned. */
        StagedResourcesOwner owner();
    }

    /**
     * No object matches {@code owner} any more, as the API server answered at {@code confirmedAt}.
     *
     * @param owner the owner that is gone
     * @param reason whether its objects were deleted or its whole namespace
     * @param observedAt when the watcher first saw the event that led to this (for latency metrics)
     * @param confirmedAt when the evidence was taken: the confirming list was sent, or the deletion event
     *     that left the informer's cache without a match was handled
     */
    public record OwnerGone(StagedResourcesOwner owner, GoneReason reason, Instant observedAt, Instant confirmedAt)
        implements OwnerEvent {
    }

    /** Why an owner is gone. */
    public enum GoneReason {
        /** Every object matching the owner was deleted (or relabelled), the namespace remains. */
        OWNER_DELETED,
        /** The owner's namespace is gone or terminating. */
        NAMESPACE_DELETED
    }

    private record Key(String namespace, OwnerKind kind) {
    }

    /** A subscriber stopped, perhaps without sending {@link Unwatch}: its watches go. */
    private record SubscriberTerminated(ActorRef<OwnerEvent> subscriber) implements Command {
    }

    private record InformerSynced(Key key, SharedIndexInformer<?> informer) implements Command {
    }

    private record InformerStartFailed(Key key, SharedIndexInformer<?> informer, Throwable error) implements Command {
    }

    private record InformerError(Key key, SharedIndexInformer<?> informer, Throwable error) implements Command {
    }

    /**
     * An object's labels changed or it was deleted ({@code newLabels} empty); {@code definite} unless it is
     * a deletion inferred by a relist (final state unknown).
     */
    private record ObjectChanged(Key key, SharedIndexInformer<?> informer, Map<String, String> oldLabels,
        Optional<Map<String, String>> newLabels, boolean definite) implements Command {
    }

    /** A namespace was deleted (or vanished from a relist). */
    private record NamespaceDeleted(String namespace) implements Command {
    }

    private record NamespacesSynced(SharedIndexInformer<Namespace> informer) implements Command {
    }

    private record NamespaceInformerError(SharedIndexInformer<Namespace> informer, Throwable error)
        implements Command {
    }

    private enum CheckConnections implements Command {
        INSTANCE
    }

    private record Confirmed(StagedResourcesOwner owner, boolean present, boolean namespaceGone, Instant observedAt,
        Instant confirmedAt) implements Command {
    }

    private record ConfirmFailed(StagedResourcesOwner owner, Instant observedAt, Throwable error) implements Command {
    }

    private record RetryConfirm(StagedResourcesOwner owner, Instant observedAt) implements Command {
    }

    private record RestartInformer(Key key, SharedIndexInformer<?> failed) implements Command {
    }

    /**
     * A watcher over {@code client}.
     *
     * @param client the process's Kubernetes client; needs list and watch on the owner types and on namespaces
     * @param blockingIo where API calls run (a dispatcher for blocking work)
     * @param settings timing settings
     * @param clock the source of {@code observedAt}/{@code confirmedAt}
     * @param health where the informers' state is published
     */
    public static Behavior<Command> create(KubernetesClient client, Executor blockingIo, OwnerWatcherSettings settings,
        Clock clock, OwnerWatchHealth health) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.setLoggerName(OwnerWatcher.class);
            timers.startTimerWithFixedDelay(CheckConnections.INSTANCE, settings.connectionCheckInterval());
            return new Running(ctx, timers, client, blockingIo, settings, clock, health).behavior();
        }));
    }

    /** The informer of one namespace and what the watcher knows of it. */
    private static final class Watched {
        final SharedIndexInformer<? extends HasMetadata> informer;
        final Set<StagedResourcesOwner> owners = new HashSet<>();
        boolean synced;
        boolean watching;
        boolean forbidden;
        Optional<String> lastError = Optional.empty();
        Instant changedAt;

        Watched(SharedIndexInformer<? extends HasMetadata> informer, Instant now) {
            this.informer = informer;
            this.changedAt = now;
        }
    }

    private static final class Running {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final KubernetesClient client;
        private final Executor blockingIo;
        private final OwnerWatcherSettings settings;
        private final Clock clock;
        private final OwnerWatchHealth health;
        private final Map<StagedResourcesOwner, Set<ActorRef<OwnerEvent>>> subscribers = new HashMap<>();
        /** The owners each subscriber follows; a subscriber is death-watched while it follows any. */
        private final Map<ActorRef<OwnerEvent>, Set<StagedResourcesOwner>> watchedBy = new HashMap<>();
        private final Map<Key, Watched> informers = new HashMap<>();
        /** Owners with a confirming list in flight, and whether another one is needed after it. */
        private final Map<StagedResourcesOwner, Boolean> confirming = new HashMap<>();
        /** Namespaces of the cluster, while any owner is watched; tells a deleted namespace apart. */
        private SharedIndexInformer<Namespace> namespaces;
        private boolean namespacesSynced;
        private boolean namespacesFailing;

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, KubernetesClient client,
            Executor blockingIo, OwnerWatcherSettings settings, Clock clock, OwnerWatchHealth health) {
            this.ctx = ctx;
            this.timers = timers;
            this.client = client;
            this.blockingIo = blockingIo;
            this.settings = settings;
            this.clock = clock;
            this.health = health;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Unwatch.class, msg -> {
                    unwatch(msg.owner(), msg.replyTo());
                    return Behaviors.same();
                })
                .onMessage(SubscriberTerminated.class, this::onSubscriberTerminated)
                .onMessage(InformerSynced.class, this::onSynced)
                .onMessage(InformerStartFailed.class, this::onStartFailed)
                .onMessage(InformerError.class, this::onInformerError)
                .onMessage(ObjectChanged.class, this::onObjectChanged)
                .onMessage(NamespaceDeleted.class, this::onNamespaceDeleted)
                .onMessage(NamespacesSynced.class, msg -> {
                    namespacesSynced = msg.informer() == namespaces;
                    namespacesFailing = false;
                    return Behaviors.same();
                })
                .onMessage(NamespaceInformerError.class, msg -> {
                    if (msg.informer() == namespaces && !namespacesFailing) {
                        namespacesFailing = true;
                        ctx.getLog().warn("owner watcher: cannot list/watch namespaces ({}){}; every owner deletion"
                            + " is confirmed with the API server instead", msg.error().toString(),
                            isForbidden(msg.error()) ? " - grant list and watch on namespaces, see"
                                + " deploy/staging-server-rbac.yaml" : "");
                    }
                    return Behaviors.same();
                })
                .onMessage(CheckConnections.class, msg -> onCheckConnections())
                .onMessage(Confirmed.class, this::onConfirmed)
                .onMessage(ConfirmFailed.class, this::onConfirmFailed)
                .onMessage(RestartInformer.class, this::onRestartInformer)
                .onMessage(RetryConfirm.class, msg -> {
                    check(msg.owner(), msg.observedAt(), false);
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, signal -> {
                    informers.forEach((key, watched) -> stopInformer(key, watched));
                    informers.clear();
                    stopNamespaceInformer();
                    return Behaviors.same();
                })
                .build();
        }

        private static Key keyOf(StagedResourcesOwner owner) {
            return new Key(owner.ownerNamespace(), OwnerKind.of(owner));
        }

        private Behavior<Command> onWatch(Watch msg) {
            StagedResourcesOwner owner = msg.owner();
            Key key;
            try {
                key = keyOf(owner);
            } catch (IllegalArgumentException e) {
                ctx.getLog().error("owner watcher: cannot watch owner {}: {}; its bundles are kept", owner,
                    e.getMessage());
                return Behaviors.same();
            }
            boolean added = subscribers.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(msg.replyTo());
            Set<StagedResourcesOwner> followed = watchedBy.computeIfAbsent(msg.replyTo(), ref -> {
                ctx.watchWith(ref, new SubscriberTerminated(ref));
                return new HashSet<>();
            });
            followed.add(owner);
            Watched watched = informers.get(key);
            if (namespaces == null) {
                startNamespaceInformer();
            }
            if (watched == null) {
                watched = new Watched(startInformer(key), clock.instant());
                informers.put(key, watched);
            }
            watched.owners.add(owner);
            publish(key, watched);
            if (added) {
                // The cache may not have the pod that just downloaded the bundle yet: ask the API server.
                check(owner, clock.instant(), false);
            }
            return Behaviors.same();
        }

        private Behavior<Command> onSubscriberTerminated(SubscriberTerminated msg) {
            Set<StagedResourcesOwner> followed = watchedBy.get(msg.subscriber());
            if (followed != null) {
                ctx.getLog().info("owner watcher: subscriber {} stopped without unwatching {} owner(s); dropping"
                    + " its watches", msg.subscriber().path(), followed.size());
                for (StagedResourcesOwner owner : List.copyOf(followed)) {
                    unwatch(owner, msg.subscriber());
                }
            }
            return Behaviors.same();
        }

        private void unwatch(StagedResourcesOwner owner, ActorRef<OwnerEvent> subscriber) {
            Set<StagedResourcesOwner> followed = watchedBy.get(subscriber);
            if (followed != null && followed.remove(owner) && followed.isEmpty()) {
                watchedBy.remove(subscriber);
                ctx.unwatch(subscriber);
            }
            Set<ActorRef<OwnerEvent>> refs = subscribers.get(owner);
            if (refs == null || !refs.remove(subscriber) || !refs.isEmpty()) {
                return;
            }
            subscribers.remove(owner);
            timers.cancel(owner);
            Key key = keyOf(owner);
            Watched watched = informers.get(key);
            if (watched != null) {
                watched.owners.remove(owner);
                if (watched.owners.isEmpty()) {
                    informers.remove(key);
                    stopInformer(key, watched);
                    if (informers.isEmpty()) {
                        stopNamespaceInformer();
                    }
                } else {
                    publish(key, watched);
                }
            }
        }

        private SharedIndexInformer<? extends HasMetadata> startInformer(Key key) {
            SharedIndexInformer<? extends HasMetadata> informer = newInformer(key, key.kind().resourceClass());
            ctx.getLog().info("owner watcher: watching {}s in namespace {}", key.kind().type(), key.namespace());
            ctx.pipeToSelf(informer.start(), (ok, error) -> error == null
                ? new InformerSynced(key, informer) : new InformerStartFailed(key, informer, error));
            return informer;
        }

        private <T extends HasMetadata> SharedIndexInformer<T> newInformer(Key key, Class<T> type) {
            ActorRef<Command> self = ctx.getSelf();
            SharedIndexInformer<T> informer = client.resources(type).inNamespace(key.namespace())
                .runnableInformer(settings.resyncPeriod().toMillis());
            // Callbacks run on fabric8's threads: they only send messages.
            informer.exceptionHandler((started, error) -> {
                self.tell(new InformerError(key, informer, error));
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<T>() {
                @Override
                public void onAdd(T obj) {
                    // An addition never makes an owner disappear.
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    Map<String, String> before = labels(oldObj);
                    Map<String, String> after = labels(newObj);
                    if (!before.equals(after)) {
                        self.tell(new ObjectChanged(key, informer, before, Optional.of(after), true));
                    }
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                    self.tell(new ObjectChanged(key, informer, labels(obj), Optional.empty(),
                        !deletedFinalStateUnknown));
                }
            });
            return informer;
        }

        private static Map<String, String> labels(HasMetadata obj) {
            Map<String, String> labels = obj == null || obj.getMetadata() == null ? null
                : obj.getMetadata().getLabels();
            return labels == null ? Map.of() : Map.copyOf(labels);
        }

        private void startNamespaceInformer() {
            ActorRef<Command> self = ctx.getSelf();
            SharedIndexInformer<Namespace> informer = client.namespaces().runnableInformer(0);
            informer.exceptionHandler((started, error) -> {
                self.tell(new NamespaceInformerError(informer, error));
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<Namespace>() {
                @Override
                public void onAdd(Namespace obj) {
                    // A new namespace owns nothing yet.
                }

                @Override
                public void onUpdate(Namespace oldObj, Namespace newObj) {
                    // Terminating: its pods are deleted next, and their events drive the checks.
                }

                @Override
                public void onDelete(Namespace obj, boolean deletedFinalStateUnknown) {
                    self.tell(new NamespaceDeleted(obj.getMetadata().getName()));
                }
            });
            namespaces = informer;
            namespacesSynced = false;
            ctx.pipeToSelf(informer.start(), (ok, error) -> new NamespacesSynced(error == null ? informer : null));
        }

        private void stopNamespaceInformer() {
            if (namespaces != null) {
                blockingIo.execute(namespaces::stop);
                namespaces = null;
                namespacesSynced = false;
            }
        }

        /**
         * Whether the namespace informer shows {@code namespace} gone or terminating; empty if it cannot
         * tell (not synced, or not watching).
         */
        private Optional<Boolean> namespaceGoneInCache(String namespace) {
            if (namespaces == null || !namespacesSynced || !namespaces.isWatching()) {
                return Optional.empty();
            }
            Namespace found = namespaces.getStore().getByKey(namespace);
            return Optional.of(found == null || found.getMetadata().getDeletionTimestamp() != null);
        }

        private Behavior<Command> onNamespaceDeleted(NamespaceDeleted msg) {
            Instant now = clock.instant();
            for (Map.Entry<Key, Watched> entry : informers.entrySet()) {
                if (entry.getKey().namespace().equals(msg.namespace())) {
                    for (StagedResourcesOwner owner : List.copyOf(entry.getValue().owners)) {
                        check(owner, now, false);
                    }
                }
            }
            return Behaviors.same();
        }

        private void stopInformer(Key key, Watched watched) {
            health.remove(key.kind().type(), key.namespace());
            ctx.getLog().info("owner watcher: no owner left in namespace {}, stopping its {} informer",
                key.namespace(), key.kind().type());
            blockingIo.execute(watched.informer::stop);
        }

        private Watched current(Key key, SharedIndexInformer<?> informer) {
            Watched watched = informers.get(key);
            return watched != null && watched.informer == informer ? watched : null;
        }

        private Behavior<Command> onSynced(InformerSynced msg) {
            Watched watched = current(msg.key(), msg.informer());
            if (watched == null) {
                return Behaviors.same();
            }
            watched.synced = true;
            watched.watching = watched.informer.isWatching();
            changed(watched, Optional.empty());
            watched.forbidden = false;
            publish(msg.key(), watched);
            ctx.getLog().info("owner watcher: {} informer of namespace {} synced ({} objects), checking {} owner(s)",
                msg.key().kind().type(), msg.key().namespace(), watched.informer.getStore().list().size(),
                watched.owners.size());
            reconcile(watched);
            return Behaviors.same();
        }

        private Behavior<Command> onStartFailed(InformerStartFailed msg) {
            Watched watched = current(msg.key(), msg.informer());
            if (watched != null) {
                ctx.getLog().error("owner watcher: the {} informer of namespace {} stopped before its first sync ({});"
                    + " bundles owned there are kept; starting a new one in {}", msg.key().kind().type(),
                    msg.key().namespace(), msg.error().toString(), settings.confirmRetryInterval());
                changed(watched, Optional.of(msg.error().toString()));
                publish(msg.key(), watched);
                timers.startSingleTimer(msg.key(), new RestartInformer(msg.key(), msg.informer()),
                    settings.confirmRetryInterval());
            }
            return Behaviors.same();
        }

        private Behavior<Command> onRestartInformer(RestartInformer msg) {
            Watched watched = current(msg.key(), msg.failed());
            if (watched != null) {
                Watched restarted = new Watched(startInformer(msg.key()), clock.instant());
                restarted.owners.addAll(watched.owners);
                restarted.lastError = watched.lastError;
                informers.put(msg.key(), restarted);
                publish(msg.key(), restarted);
            }
            return Behaviors.same();
        }

        private Behavior<Command> onInformerError(InformerError msg) {
            Watched watched = current(msg.key(), msg.informer());
            if (watched == null) {
                return Behaviors.same();
            }
            boolean forbidden = isForbidden(msg.error());
            if (forbidden && !watched.forbidden) {
                ctx.getLog().error("owner watcher: the API server forbids listing/watching {}s in namespace {} ({})."
                    + " Bundles owned there are kept until this is fixed: grant the staging server's service account"
                    + " list and watch on pods and namespaces (see deploy/staging-server-rbac.yaml)",
                    msg.key().kind().type(), msg.key().namespace(), msg.error().getMessage());
            } else if (!forbidden && watched.lastError.isEmpty()) {
                ctx.getLog().warn("owner watcher: {} informer of namespace {} cannot list/watch ({}); retrying,"
                    + " nothing is deleted meanwhile", msg.key().kind().type(), msg.key().namespace(),
                    msg.error().toString());
            }
            watched.forbidden = forbidden;
            watched.watching = false;
            changed(watched, Optional.of(msg.error().toString()));
            publish(msg.key(), watched);
            return Behaviors.same();
        }

        private static boolean isForbidden(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof KubernetesClientException kce && kce.getCode() == 403) {
                    return true;
                }
            }
            return false;
        }

        private Behavior<Command> onObjectChanged(ObjectChanged msg) {
            Watched watched = current(msg.key(), msg.informer());
            if (watched == null) {
                return Behaviors.same();
            }
            Instant now = clock.instant();
            for (StagedResourcesOwner owner : List.copyOf(watched.owners)) {
                boolean matchedBefore = owner.isOwnedBy(msg.key().namespace(), msg.oldLabels());
                boolean matchesNow = msg.newLabels().map(l -> owner.isOwnedBy(msg.key().namespace(), l)).orElse(false);
                if (matchedBefore && !matchesNow) {
                    check(owner, now, msg.definite() && watched.informer.isWatching());
                }
            }
            return Behaviors.same();
        }

        private Behavior<Command> onCheckConnections() {
            informers.forEach((key, watched) -> {
                boolean watchingNow = watched.informer.isWatching();
                if (watchingNow != watched.watching) {
                    watched.watching = watchingNow;
                    if (watchingNow && watched.synced) {
                        // After a lost watch fabric8 relists: the cache is fresh again. Deletions missed while
                        // disconnected are normally delivered as deletes by the relist; this catches any other.
                        ctx.getLog().info("owner watcher: {} informer of namespace {} is watching again, reconciling"
                            + " {} owner(s) with its cache", key.kind().type(), key.namespace(), watched.owners.size());
                        watched.forbidden = false;
                        changed(watched, Optional.empty());
                        reconcile(watched);
                    } else {
                        changed(watched, watched.lastError);
                    }
                }
                publish(key, watched);
            });
            return Behaviors.same();
        }

        private void reconcile(Watched watched) {
            Instant now = clock.instant();
            for (StagedResourcesOwner owner : List.copyOf(watched.owners)) {
                check(owner, now, false);
            }
        }

        /**
         * Decides whether {@code owner} is gone when the informer's cache has no object for it. After a
         * definite deletion event of a watching informer the cache is the state of the namespace at that
         * event's resourceVersion, so it is evidence: the owner is reported gone at once (if the namespace
         * informer can say whether the namespace is going too). In every other case (a deletion inferred
         * by a relist, a new watch, a reconnect, a retry) the API server is asked first.
         */
        private void check(StagedResourcesOwner owner, Instant observedAt, boolean cacheIsEvidence) {
            if (!subscribers.containsKey(owner)) {
                return;
            }
            Watched watched = informers.get(keyOf(owner));
            if (watched == null || !watched.synced) {
                return;
            }
            boolean inCache = watched.informer.getStore().list().stream()
                .anyMatch(obj -> owner.isOwnedBy(owner.ownerNamespace(), labels(obj)));
            if (inCache) {
                return;
            }
            if (confirming.containsKey(owner)) {
                confirming.put(owner, true);
                return;
            }
            Optional<Boolean> namespaceGone = namespaceGoneInCache(owner.ownerNamespace());
            if (cacheIsEvidence && namespaceGone.isPresent()) {
                Instant now = clock.instant();
                reportGone(owner, namespaceGone.get(), observedAt, now);
                return;
            }
            confirming.put(owner, false);
            OwnerKind kind = OwnerKind.of(owner);
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> confirm(owner, kind, observedAt), blockingIo),
                (result, error) -> error == null ? result : new ConfirmFailed(owner, observedAt, unwrap(error)));
        }

        private Confirmed confirm(StagedResourcesOwner owner, OwnerKind kind, Instant observedAt) {
            Instant confirmedAt = clock.instant();
            String ns = owner.ownerNamespace();
            boolean present = !client.resources(kind.resourceClass()).inNamespace(ns).withLabels(owner.ownerLabels())
                .list(new ListOptionsBuilder().withLimit(1L).build()).getItems().isEmpty();
            boolean namespaceGone = false;
            if (!present) {
                List<Namespace> found = client.namespaces().withField("metadata.name", ns).list().getItems();
                namespaceGone = found.isEmpty() || found.get(0).getMetadata().getDeletionTimestamp() != null;
            }
            return new Confirmed(owner, present, namespaceGone, observedAt, confirmedAt);
        }

        private static Throwable unwrap(Throwable error) {
            return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        }

        private Behavior<Command> onConfirmed(Confirmed msg) {
            boolean again = Boolean.TRUE.equals(confirming.remove(msg.owner()));
            Set<ActorRef<OwnerEvent>> refs = subscribers.get(msg.owner());
            if (refs == null) {
                return Behaviors.same();
            }
            if (!msg.present()) {
                reportGone(msg.owner(), msg.namespaceGone(), msg.observedAt(), msg.confirmedAt());
            } else if (again) {
                check(msg.owner(), msg.observedAt(), false);
            }
            return Behaviors.same();
        }

        private void reportGone(StagedResourcesOwner owner, boolean namespaceGone, Instant observedAt,
            Instant confirmedAt) {
            Set<ActorRef<OwnerEvent>> refs = subscribers.get(owner);
            if (refs == null) {
                return;
            }
            GoneReason reason = namespaceGone ? GoneReason.NAMESPACE_DELETED : GoneReason.OWNER_DELETED;
            ctx.getLog().info("owner watcher: owner {} is gone ({})", owner, reason);
            OwnerGone gone = new OwnerGone(owner, reason, observedAt, confirmedAt);
            refs.forEach(ref -> ref.tell(gone));
        }

        private Behavior<Command> onConfirmFailed(ConfirmFailed msg) {
            confirming.remove(msg.owner());
            if (!subscribers.containsKey(msg.owner())) {
                return Behaviors.same();
            }
            Key key = keyOf(msg.owner());
            Watched watched = informers.get(key);
            if (watched != null) {
                if (isForbidden(msg.error()) && !watched.forbidden) {
                    ctx.getLog().error("owner watcher: the API server forbids listing {}s or namespaces in namespace"
                        + " {} ({}); bundles owned there are kept until this is fixed: grant list and watch on pods and"
                        + " namespaces (see deploy/staging-server-rbac.yaml)", key.kind().type(), key.namespace(),
                        msg.error().getMessage());
                    watched.forbidden = true;
                }
                changed(watched, Optional.of(msg.error().toString()));
                publish(key, watched);
            }
            ctx.getLog().warn("owner watcher: could not confirm whether owner {} is gone ({}); keeping its bundles,"
                + " asking again in {}", msg.owner(), msg.error().toString(), settings.confirmRetryInterval());
            timers.startSingleTimer(msg.owner(), new RetryConfirm(msg.owner(), msg.observedAt()),
                settings.confirmRetryInterval());
            return Behaviors.same();
        }

        private void changed(Watched watched, Optional<String> lastError) {
            if (!Objects.equals(watched.lastError, lastError)) {
                watched.lastError = lastError;
            }
            watched.changedAt = clock.instant();
        }

        private void publish(Key key, Watched watched) {
            health.put(new NamespaceWatchStatus(key.namespace(), key.kind().type(), watched.owners.size(),
                watched.synced, watched.watching, watched.forbidden, watched.lastError, watched.changedAt));
        }
    }
}
