package io.sparkk8s.actors.runtime;

import static io.sparkk8s.actors.runtime.CompletionFailures.unwrap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.actors.api.SubmissionException;
import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionFilter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionRejectedException;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.api.UnknownSubmissionException;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverResourceNames;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.InvalidActorNameException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The submission runtime's root: takes submit, kill, status, list and watch commands, runs one
 * {@link SubmissionActor} child per submission and keeps every submission's latest status.
 *
 * <p>Flow control: at most {@code max-in-flight} submissions are built and created against the API
 * server at once; up to {@code max-queued} more wait in a FIFO queue; past that a submission is
 * rejected at once with a {@link SubmissionRejectedException} that names the bounds. Dispatching is
 * paced by {@code max-submissions-per-second} when set, and paused for the Retry-After of any 429
 * the API server answers (API priority and fairness), so the runtime slows down as a whole instead
 * of each submission hammering on its own.
 *
 * <p>Recovery: submissions made by an earlier runtime (before a restart of the JVM) are rebuilt from
 * their driver pods on the API server ({@link DriverPodRecord}): at start, every driver pod of the
 * {@code recover-namespaces} is adopted (its state followed again, killable, listed); an id the runtime
 * does not know is looked up on the API server before status, watch or kill answer that it is unknown.
 *
 * <p>Supervision: children are watched; a child that crashes fails its own submission (or, once its
 * driver pod exists, makes that submission's state {@link SubmissionState#UNKNOWN}) and frees its
 * slot. Nothing else is affected.
 */
public final class SubmissionSupervisor {

    private SubmissionSupervisor() {
    }

    /** What the supervisor accepts. */
    public sealed interface Command {
    }

    /**
     * Submit {@code request} as submission {@code submissionId}; the reply comes once its driver pod
     * exists, or it failed or was rejected.
     *
     * @param submissionId the application id to use, {@code spark-<32 hex>} (see {@link
     *     DriverResourceNames#newAppId()})
     * @param request what to submit
     * @param replyTo who gets the {@link SubmitReply}
     */
    public record Submit(String submissionId, SubmissionRequest request, ActorRef<SubmitReply> replyTo)
        implements Command {
    }

    /** Kill submission {@code submissionId}. */
    public record Kill(String submissionId, ActorRef<KillReply> replyTo) implements Command {
    }

    /** Reply with the status of {@code submissionId}, empty if unknown. */
    public record GetStatus(String submissionId, ActorRef<Optional<SubmissionStatus>> replyTo) implements Command {
    }

    /** Reply with the statuses of the submissions {@code filter} accepts, oldest submission first. */
    public record ListSubmissions(SubmissionFilter filter, ActorRef<List<SubmissionStatus>> replyTo)
        implements Command {
    }

    /**
     * Send {@code subscriber} the status of {@code submissionId} now and at every change; after the
     * terminal status a {@link WatchEnded}. An unknown id gets a {@link WatchFailed}.
     */
    public record Watch(String submissionId, ActorRef<WatchEvent> subscriber) implements Command {
    }

    /** Stop: pending submits are rejected, open watches fail. Replies when done. */
    public record Shutdown(ActorRef<Done> replyTo) implements Command {
    }

    /** From a child: its submission's status changed; {@code cause} is why it failed, or null. */
    public record StatusChanged(SubmissionStatus status, Throwable cause) implements Command {
    }

    /** From a child: its driver pod and resources exist, after {@code attempts} attempts. */
    public record DriverCreated(String submissionId, SubmissionHandle handle, int attempts) implements Command {
    }

    /** From a child: the API server answered 429 and asked for {@code retryAfter}. */
    public record ApiThrottled(String submissionId, Duration retryAfter) implements Command {
    }

    private enum DispatchTick implements Command {
        INSTANCE
    }

    /** The driver pods of the recover-namespaces, listed at start. */
    private record Recovered(List<Pod> pods, Throwable error) implements Command {
    }

    /** The driver pod of a finished submission was deleted on a kill (or could not be: {@code error}). */
    private record FinishedPodDeleted(String submissionId, SubmissionStatus status, Throwable error,
        ActorRef<KillReply> replyTo) implements Command {
    }

    /** The driver pods found for an id this runtime did not know; {@code original} is answered then. */
    private record LookedUp(String submissionId, List<Pod> pods, Throwable error, Command original)
        implements Command {
    }

    /** The answer to {@link Submit}. */
    public sealed interface SubmitReply {
    }

    /** The driver pod and its resources exist. */
    public record Created(SubmissionHandle handle) implements SubmitReply {
    }

    /** Rejected, failed or killed before the driver pod existed. */
    public record SubmitFailed(SubmissionException error) implements SubmitReply {
    }

    /** The answer to {@link Kill}. */
    public sealed interface KillReply {
    }

    /** The submission is killed (its driver pod deleted, or it stopped before creating one). */
    public record KillAccepted(SubmissionStatus status) implements KillReply {
    }

    /** The submission could not be killed: unknown, already ended, or the deletion failed. */
    public record KillRefused(SubmissionException error) implements KillReply {
    }

    /** What a watcher receives. */
    public sealed interface WatchEvent {
    }

    /** A status, the current one first. */
    public record StatusUpdate(SubmissionStatus status) implements WatchEvent {
    }

    /** The submission reached a terminal state; nothing follows. */
    public enum WatchEnded implements WatchEvent {
        /** The one instance. */
        INSTANCE
    }

    /** The watch cannot go on: unknown id, or the runtime stopped. */
    public record WatchFailed(SubmissionException error) implements WatchEvent {
    }

    /** A supervisor calling the API server through {@code operations}. */
    public static Behavior<Command> create(KubernetesOperations operations, SubmissionRuntimeSettings settings,
        DriverStepPlanner planner) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new State(context, timers, operations, settings, planner).behavior()));
    }

    private static final class Entry {
        /** Kept only while queued: the child has it from then on. */
        private SubmissionRequest request;
        private final DriverResourceNames names;
        private SubmissionStatus status;
        private ActorRef<SubmitReply> replyTo;
        private ActorRef<SubmissionActor.Command> child;
        private boolean inFlight;
        private final List<ActorRef<WatchEvent>> watchers = new ArrayList<>(1);

        Entry(SubmissionRequest request, DriverResourceNames names, SubmissionStatus status,
            ActorRef<SubmitReply> replyTo) {
            this.request = request;
            this.names = names;
            this.status = status;
            this.replyTo = replyTo;
        }
    }

    private static final class State {
        private final ActorContext<Command> context;
        private final TimerScheduler<Command> timers;
        private final SubmissionRuntimeSettings settings;
        private final SubmissionActor.Runtime runtime;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Deque<String> queue = new ArrayDeque<>();
        private final Deque<String> finished = new ArrayDeque<>();
        private final Map<ActorRef<WatchEvent>, String> watcherOf = new HashMap<>();
        private final long dispatchIntervalNanos;
        private long notBefore = System.nanoTime();
        private int inFlight;
        /** The submission of each child actor, until it terminates. */
        private final Map<ActorRef<?>, String> submissionOfChild = new HashMap<>();
        /** List requests that wait for the recovery at start to end. */
        private List<ListSubmissions> listsWaitingForRecovery;

        State(ActorContext<Command> context, TimerScheduler<Command> timers, KubernetesOperations operations,
            SubmissionRuntimeSettings settings, DriverStepPlanner planner) {
            this.context = context;
            this.timers = timers;
            this.settings = settings;
            Executor blocking = context.getSystem().dispatchers().lookup(
                DispatcherSelector.fromConfig(settings.blockingDispatcher()));
            ActorRef<DriverPodInformers.Command> informers = context.spawn(
                DriverPodInformers.create(operations, settings), "driver-pod-informers");
            this.runtime = new SubmissionActor.Runtime(operations, settings, blocking, planner, informers,
                context.getSelf());
            this.dispatchIntervalNanos = settings.maxSubmissionsPerSecond() > 0
                ? (long) (1_000_000_000L / settings.maxSubmissionsPerSecond()) : 0;
            if (!settings.recoverNamespaces().isEmpty()) {
                listsWaitingForRecovery = new ArrayList<>();
                List<String> namespaces = settings.recoverNamespaces().contains("*") ? List.of("*")
                    : settings.recoverNamespaces();
                context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
                    List<Pod> pods = new ArrayList<>();
                    namespaces.forEach(ns -> pods.addAll(operations.listDriverPods(ns, null)));
                    return pods;
                }, blocking), Recovered::new);
            }
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Kill.class, msg -> onKill(msg, true))
                .onMessage(GetStatus.class, msg -> onGetStatus(msg, true))
                .onMessage(ListSubmissions.class, msg -> {
                    if (listsWaitingForRecovery != null) {
                        listsWaitingForRecovery.add(msg);
                    } else {
                        answer(msg);
                    }
                    return Behaviors.same();
                })
                .onMessage(Watch.class, msg -> onWatch(msg, true))
                .onMessage(Recovered.class, this::onRecovered)
                .onMessage(LookedUp.class, this::onLookedUp)
                .onMessage(FinishedPodDeleted.class, this::onFinishedPodDeleted)
                .onMessage(StatusChanged.class, msg -> {
                    Entry entry = entries.get(msg.status().submissionId());
                    if (entry != null) {
                        changeStatus(entry, msg.status(), msg.cause());
                    }
                    return Behaviors.same();
                })
                .onMessage(DriverCreated.class, this::onDriverCreated)
                .onMessage(ApiThrottled.class, msg -> {
                    long until = System.nanoTime() + msg.retryAfter().toNanos();
                    if (until - notBefore > 0) {
                        notBefore = until;
                        context.getLog().info("API server throttled submission {} (429); dispatching paused for {}"
                            + " ms", msg.submissionId(), msg.retryAfter().toMillis());
                    }
                    return Behaviors.same();
                })
                .onMessageEquals(DispatchTick.INSTANCE, () -> {
                    dispatch();
                    return Behaviors.same();
                })
                .onMessage(Shutdown.class, msg -> {
                    stopAll();
                    msg.replyTo().tell(Done.getInstance());
                    return Behaviors.stopped();
                })
                .onSignal(Terminated.class, this::onTerminated)
                .onSignal(PostStop.class, signal -> {
                    stopAll();
                    return Behaviors.same();
                })
                .build();
        }

        private Behavior<Command> onSubmit(Submit msg) {
            String id = msg.submissionId();
            if (entries.containsKey(id)) {
                msg.replyTo().tell(new SubmitFailed(new SubmissionRejectedException("submission " + id
                    + " was submitted already; every submission needs its own id")));
                return Behaviors.same();
            }
            SubmissionRequest request = withAppNameAnnotation(msg.request());
            DriverResourceNames names;
            try {
                names = DriverResourceNames.of(id, request.appName(), request.sparkConf());
            } catch (RuntimeException e) {
                SubmissionStatus failed = new SubmissionStatus(id, request.appName(),
                    request.sparkConf().get(DriverResourceNames.NAMESPACE_KEY).orElse("default"), "",
                    SubmissionState.FAILED, Optional.empty(), Optional.of("SubmissionFailed"),
                    Optional.of(ApiError.classify(e).message()), Instant.now());
                msg.replyTo().tell(new SubmitFailed(new SubmissionFailedException(failed, e)));
                return Behaviors.same();
            }
            boolean slotFree = queue.isEmpty() && inFlight < settings.maxInFlight();
            if (!slotFree && queue.size() >= settings.maxQueued()) {
                msg.replyTo().tell(new SubmitFailed(new SubmissionRejectedException("the submission queue is full: "
                    + queue.size() + " submissions wait for one of " + settings.maxInFlight() + " slots ("
                    + SubmissionRuntimeSettings.SECTION + ".max-queued = " + settings.maxQueued() + ", max-in-flight = "
                    + settings.maxInFlight() + "); submit " + id + " again later or raise those bounds")));
                return Behaviors.same();
            }
            SubmissionStatus submitted = new SubmissionStatus(id, request.appName(), names.namespace(),
                names.driverPodName(), SubmissionState.SUBMITTED, Optional.empty(), Optional.empty(),
                Optional.empty(), Instant.now());
            entries.put(id, new Entry(request, names, submitted, msg.replyTo()));
            queue.add(id);
            dispatch();
            return Behaviors.same();
        }

        private void dispatch() {
            while (!queue.isEmpty() && inFlight < settings.maxInFlight()) {
                long now = System.nanoTime();
                if (notBefore - now > 0) {
                    timers.startSingleTimer(DispatchTick.INSTANCE, Duration.ofNanos(notBefore - now));
                    return;
                }
                String id = queue.poll();
                Entry entry = entries.get(id);
                entry.child = spawnChild(id, SubmissionActor.create(entry.request, entry.names, entry.status,
                    runtime));
                entry.request = null;
                entry.inFlight = true;
                inFlight++;
                if (dispatchIntervalNanos > 0) {
                    notBefore = now + dispatchIntervalNanos;
                }
            }
        }

        /**
         * Spawns and watches the actor of submission {@code id}, named after it unless an earlier actor of the
         * same id (a submission forgotten and then looked up again) has not terminated yet.
         */
        private ActorRef<SubmissionActor.Command> spawnChild(String id, Behavior<SubmissionActor.Command> behavior) {
            ActorRef<SubmissionActor.Command> child;
            try {
                child = context.spawn(behavior, id);
            } catch (InvalidActorNameException e) {
                child = context.spawn(behavior, id + "-" + System.nanoTime());
            }
            context.watch(child);
            submissionOfChild.put(child, id);
            return child;
        }

        private Behavior<Command> onDriverCreated(DriverCreated msg) {
            Entry entry = entries.get(msg.submissionId());
            if (entry != null && entry.inFlight) {
                entry.inFlight = false;
                inFlight--;
                if (entry.replyTo != null) {
                    entry.replyTo.tell(new Created(msg.handle()));
                    entry.replyTo = null;
                }
                dispatch();
            }
            return Behaviors.same();
        }

        private Behavior<Command> onGetStatus(GetStatus msg, boolean lookUp) {
            Entry entry = entries.get(msg.submissionId());
            if (entry == null && lookUp && lookUp(msg.submissionId(), msg)) {
                return Behaviors.same();
            }
            msg.replyTo().tell(Optional.ofNullable(entry).map(e -> e.status));
            return Behaviors.same();
        }

        private void answer(ListSubmissions msg) {
            msg.replyTo().tell(entries.values().stream().map(e -> e.status).filter(msg.filter()::test).toList());
        }

        private Behavior<Command> onRecovered(Recovered msg) {
            if (msg.error() != null) {
                context.getLog().warn("could not recover the submissions of namespaces {} from their driver pods: {}",
                    settings.recoverNamespaces(), ApiError.classify(unwrap(msg.error())).message());
            } else {
                List<Pod> pods = new ArrayList<>(msg.pods());
                pods.sort(Comparator.comparing((Pod p) -> Objects.requireNonNullElse(
                    p.getMetadata().getCreationTimestamp(), "")));
                int adopted = 0;
                for (Pod pod : pods) {
                    adopted += adopt(pod) ? 1 : 0;
                }
                context.getLog().info("recovered {} submissions from the driver pods of namespaces {}", adopted,
                    settings.recoverNamespaces());
            }
            List<ListSubmissions> waiting = listsWaitingForRecovery;
            listsWaitingForRecovery = null;
            waiting.forEach(this::answer);
            return Behaviors.same();
        }

        /**
         * Looks {@code id} up on the API server, then handles {@code original} again without looking up;
         * false when {@code id} cannot be a submission id (not a label value), so there is nothing to ask.
         */
        private boolean lookUp(String id, Command original) {
            if (id == null || id.length() > 63 || !id.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
                return false;
            }
            Set<String> fallback = new LinkedHashSet<>(settings.recoverNamespaces());
            entries.values().forEach(e -> fallback.add(e.names.namespace()));
            fallback.remove("*");
            KubernetesOperations operations = runtime.operations();
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
                try {
                    return operations.listDriverPods("*", id);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
                        throw e;
                    }
                    // May not list pods in every namespace: look where this runtime may.
                    List<Pod> pods = new ArrayList<>();
                    fallback.forEach(ns -> pods.addAll(operations.listDriverPods(ns, id)));
                    return pods;
                }
            }, runtime.blocking()), (pods, error) -> new LookedUp(id, pods, error, original));
            return true;
        }

        private Behavior<Command> onLookedUp(LookedUp msg) {
            if (msg.error() != null) {
                context.getLog().warn("could not look up submission {} on the API server: {}", msg.submissionId(),
                    ApiError.classify(unwrap(msg.error())).message());
            } else if (!entries.containsKey(msg.submissionId())) {
                msg.pods().stream().filter(p -> msg.submissionId().equals(DriverPodRecord.submissionId(p)
                    .orElse(null))).findFirst().ifPresent(pod -> {
                        adopt(pod);
                        context.getLog().info("{}: adopted from its driver pod {}/{}", msg.submissionId(),
                            pod.getMetadata().getNamespace(), pod.getMetadata().getName());
                    });
            }
            if (msg.original() instanceof GetStatus get) {
                return onGetStatus(get, false);
            } else if (msg.original() instanceof Watch watch) {
                return onWatch(watch, false);
            }
            return onKill((Kill) msg.original(), false);
        }

        /**
         * Makes the submission whose driver pod is {@code pod} one of this runtime's: its status, and an
         * actor following the pod unless it has ended. False if the runtime has it already.
         */
        private boolean adopt(Pod pod) {
            Optional<String> found = DriverPodRecord.submissionId(pod);
            if (found.isEmpty() || entries.containsKey(found.get())) {
                return false;
            }
            String id = found.get();
            SubmissionStatus status = DriverPodObservation.status(pod);
            DriverResourceNames names = DriverPodRecord.names(pod);
            Entry entry = new Entry(null, names, status, null);
            entries.put(id, entry);
            if (status.state().isTerminal()) {
                finished.add(id);
                while (finished.size() > settings.retainedFinished()) {
                    entries.remove(finished.poll());
                }
            } else {
                entry.child = spawnChild(id, SubmissionActor.adopt(names, status, runtime));
            }
            return true;
        }

        private Behavior<Command> onFinishedPodDeleted(FinishedPodDeleted msg) {
            if (msg.error() == null) {
                msg.replyTo().tell(new KillAccepted(msg.status()));
            } else {
                Throwable cause = unwrap(msg.error());
                String message = "could not delete the driver pod " + msg.status().driverPodName() + " of finished"
                    + " submission " + msg.submissionId() + ": " + ApiError.classify(cause).message();
                context.getLog().warn(message);
                msg.replyTo().tell(new KillRefused(new SubmissionException(message, cause)));
            }
            return Behaviors.same();
        }

        private Behavior<Command> onKill(Kill msg, boolean lookUp) {
            Entry entry = entries.get(msg.submissionId());
            if (entry == null && lookUp && lookUp(msg.submissionId(), msg)) {
                return Behaviors.same();
            }
            if (entry == null) {
                msg.replyTo().tell(new KillRefused(new UnknownSubmissionException(msg.submissionId())));
            } else if (entry.status.state().isTerminal()) {
                // As spark-submit --kill and the daemon: the finished driver pod (which keeps its log) is deleted
                // too; the submission keeps the outcome it had.
                DriverResourceNames names = entry.names;
                SubmissionStatus status = entry.status;
                KubernetesOperations operations = runtime.operations();
                context.pipeToSelf(CompletableFuture.supplyAsync(() -> operations.deleteDriverPod(names.namespace(),
                    names.driverPodName()), runtime.blocking()), (existed, error) -> new FinishedPodDeleted(
                        msg.submissionId(), status, error, msg.replyTo()));
            } else if (entry.child == null) {
                queue.remove(msg.submissionId());
                SubmissionStatus killed = entry.status.with(SubmissionState.KILLED, Optional.empty(),
                    Optional.of("Killed"), Optional.of("killed while it waited for a slot"));
                changeStatus(entry, killed, null);
                msg.replyTo().tell(new KillAccepted(killed));
            } else {
                entry.child.tell(new SubmissionActor.Kill(msg.replyTo()));
            }
            return Behaviors.same();
        }

        private Behavior<Command> onWatch(Watch msg, boolean lookUp) {
            Entry entry = entries.get(msg.submissionId());
            if (entry == null && lookUp && lookUp(msg.submissionId(), msg)) {
                return Behaviors.same();
            }
            if (entry == null) {
                msg.subscriber().tell(new WatchFailed(new UnknownSubmissionException(msg.submissionId())));
                return Behaviors.same();
            }
            msg.subscriber().tell(new StatusUpdate(entry.status));
            if (entry.status.state().isTerminal()) {
                msg.subscriber().tell(WatchEnded.INSTANCE);
            } else {
                entry.watchers.add(msg.subscriber());
                watcherOf.put(msg.subscriber(), msg.submissionId());
                context.watch(msg.subscriber());
            }
            return Behaviors.same();
        }

        private Behavior<Command> onTerminated(Terminated signal) {
            String watched = watcherOf.remove(signal.getRef());
            if (watched != null) {
                Entry entry = entries.get(watched);
                if (entry != null) {
                    entry.watchers.remove(signal.getRef());
                }
                return Behaviors.same();
            }
            String id = submissionOfChild.remove(signal.getRef());
            Entry entry = id == null ? null : entries.get(id);
            if (entry == null || entry.child == null || !entry.child.equals(signal.getRef())) {
                return Behaviors.same();
            }
            entry.child = null;
            if (!entry.status.state().isTerminal()) {
                String cause = signal instanceof ChildFailed failed ? failed.getCause().toString() : "it stopped";
                context.getLog().error("{}: the submission's actor ended before the submission did: {}", id, cause);
                SubmissionStatus next = entry.inFlight
                    ? entry.status.with(SubmissionState.FAILED, Optional.empty(), Optional.of("SubmissionFailed"),
                        Optional.of("the submission's actor crashed: " + cause))
                    : entry.status.with(SubmissionState.UNKNOWN, Optional.empty(), Optional.of("TrackingStopped"),
                        Optional.of("stopped following the driver pod: " + cause));
                changeStatus(entry, next, signal instanceof ChildFailed failed ? failed.getCause() : null);
            }
            return Behaviors.same();
        }

        private void changeStatus(Entry entry, SubmissionStatus status, Throwable cause) {
            entry.status = status;
            for (ActorRef<WatchEvent> watcher : entry.watchers) {
                watcher.tell(new StatusUpdate(status));
            }
            // Ended: terminal, or UNKNOWN because the actor following it is gone.
            boolean ended = status.state().isTerminal()
                || entry.child == null && status.state() == SubmissionState.UNKNOWN;
            if (entry.inFlight && ended) {
                entry.inFlight = false;
                inFlight--;
                dispatch();
            }
            if (entry.replyTo != null && status.state().isTerminal()) {
                entry.replyTo.tell(new SubmitFailed(new SubmissionFailedException(status, cause)));
                entry.replyTo = null;
            }
            if (ended) {
                for (ActorRef<WatchEvent> watcher : entry.watchers) {
                    watcher.tell(status.state().isTerminal() ? WatchEnded.INSTANCE : new WatchFailed(
                        new SubmissionException("submission " + status.submissionId() + " is no longer followed: "
                            + status.message().orElse(""), cause)));
                    watcherOf.remove(watcher);
                    context.unwatch(watcher);
                }
                entry.watchers.clear();
                finished.add(status.submissionId());
                while (finished.size() > settings.retainedFinished()) {
                    entries.remove(finished.poll());
                }
            }
        }

        private void stopAll() {
            SubmissionRejectedException closing = new SubmissionRejectedException("the submitter is closing");
            for (Entry entry : entries.values()) {
                if (entry.replyTo != null) {
                    entry.replyTo.tell(new SubmitFailed(closing));
                    entry.replyTo = null;
                }
                for (ActorRef<WatchEvent> watcher : entry.watchers) {
                    watcher.tell(new WatchFailed(closing));
                }
                entry.watchers.clear();
            }
            queue.clear();
            if (listsWaitingForRecovery != null) {
                listsWaitingForRecovery.forEach(this::answer);
                listsWaitingForRecovery = null;
            }
        }
    }

    /** {@code request} with the annotation that lets a later runtime recover the application name. */
    private static SubmissionRequest withAppNameAnnotation(SubmissionRequest r) {
        if (r.sparkConf().contains(DriverPodRecord.APP_NAME_ANNOTATION_KEY)) {
            return r;
        }
        return new SubmissionRequest(r.master(), r.mainClass(), r.appName(), r.primaryResource(), r.appArgs(),
            r.sparkConf().with(DriverPodRecord.APP_NAME_ANNOTATION_KEY, r.appName()), r.proxyUser(), r.verbose());
    }
}
