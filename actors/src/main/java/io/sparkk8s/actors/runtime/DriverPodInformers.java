package io.sparkk8s.actors.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.actors.runtime.KubernetesOperations.DriverPodWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The shared driver-pod informers: one fabric8 informer per namespace, started when the first
 * submission of that namespace asks to be tracked, feeding every tracked submission with the
 * changes of its driver pod. Thousands of submissions cost one watch per namespace, not one each.
 *
 * <p>The informer's callbacks only tell this actor; it keeps the last observation of every driver
 * pod of its namespaces (so a tracker that starts after the pod's first events still gets its state)
 * and, for a while, the pods deleted (so a deletion is not missed either).
 */
public final class DriverPodInformers {

    private DriverPodInformers() {
    }

    /** What the informers accept. */
    public sealed interface Command {
    }

    /**
     * Send {@code subscriber} the observations of pod {@code namespace/podName}, the current one first.
     *
     * @param namespace the pod's namespace
     * @param podName the pod's name
     * @param subscriber who gets the observations
     */
    public record Track(String namespace, String podName, ActorRef<Observed> subscriber) implements Command {
    }

    /** Stop sending the observations of pod {@code namespace/podName}. */
    public record Untrack(String namespace, String podName) implements Command {
    }

    /** Sent to subscribers. */
    public sealed interface Observed {
    }

    /** The driver pod changed or was deleted. */
    public record PodObserved(DriverPodObservation observation) implements Observed {
    }

    /** The namespace's pods cannot be watched; the subscriber's state is unknown until further notice. */
    public record WatchLost(String namespace, String reason) implements Observed {
    }

    private record WatchStarted(String namespace, DriverPodWatch watch) implements Command {
    }

    private record WatchFailed(String namespace, Throwable error) implements Command {
    }

    private record PodChanged(Pod pod) implements Command {
    }

    private record PodDeleted(Pod pod) implements Command {
    }

    private record RestartWatch(String namespace) implements Command {
    }

    private enum ForgetDeleted implements Command {
        INSTANCE
    }

    private record PodKey(String namespace, String name) {
    }

    /** The informers for {@code operations}, with resync period and deleted-pod memory from {@code settings}. */
    public static Behavior<Command> create(KubernetesOperations operations, SubmissionRuntimeSettings settings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Duration memory = settings.deletedPodMemory();
            timers.startTimerWithFixedDelay(ForgetDeleted.INSTANCE, memory.dividedBy(2).plusMillis(1));
            return new State(context, timers, operations, settings).behavior();
        }));
    }

    private static final class State {
        private final ActorContext<Command> context;
        private final TimerScheduler<Command> timers;
        private final KubernetesOperations operations;
        private final SubmissionRuntimeSettings settings;
        /** Namespaces with an informer, running or starting (value empty until started). */
        private final Map<String, Optional<DriverPodWatch>> watches = new HashMap<>();
        private final Map<PodKey, ActorRef<Observed>> subscribers = new HashMap<>();
        private final Map<PodKey, DriverPodObservation> lastSeen = new HashMap<>();
        private final Map<PodKey, Instant> deletedAt = new HashMap<>();

        State(ActorContext<Command> context, TimerScheduler<Command> timers, KubernetesOperations operations,
            SubmissionRuntimeSettings settings) {
            this.context = context;
            this.timers = timers;
            this.operations = operations;
            this.settings = settings;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Track.class, this::onTrack)
                .onMessage(Untrack.class, msg -> {
                    subscribers.remove(new PodKey(msg.namespace(), msg.podName()));
                    return Behaviors.same();
                })
                .onMessage(WatchStarted.class, this::onWatchStarted)
                .onMessage(WatchFailed.class, this::onWatchFailed)
                .onMessage(PodChanged.class, msg -> observe(DriverPodObservation.of(msg.pod(), false)))
                .onMessage(PodDeleted.class, msg -> observe(DriverPodObservation.of(msg.pod(), true)))
                .onMessage(RestartWatch.class, msg -> {
                    boolean wanted = subscribers.keySet().stream()
                        .anyMatch(k -> k.namespace().equals(msg.namespace()));
                    if (wanted && !watches.containsKey(msg.namespace())) {
                        startWatch(msg.namespace());
                    }
                    return Behaviors.same();
                })
                .onMessageEquals(ForgetDeleted.INSTANCE, this::forgetDeleted)
                .onSignal(PostStop.class, signal -> {
                    watches.values().forEach(w -> w.ifPresent(DriverPodWatch::close));
                    return Behaviors.same();
                })
                .build();
        }

        private Behavior<Command> onTrack(Track msg) {
            PodKey key = new PodKey(msg.namespace(), msg.podName());
            subscribers.put(key, msg.subscriber());
            DriverPodObservation seen = lastSeen.get(key);
            if (seen != null) {
                msg.subscriber().tell(new PodObserved(seen));
            }
            if (!watches.containsKey(msg.namespace())) {
                startWatch(msg.namespace());
            }
            return Behaviors.same();
        }

        private void startWatch(String namespace) {
            watches.put(namespace, Optional.empty());
            ActorRef<Command> self = context.getSelf();
            KubernetesOperations.DriverPodListener listener = new KubernetesOperations.DriverPodListener() {
                @Override
                public void onPod(Pod pod) {
                    self.tell(new PodChanged(pod));
                }

                @Override
                public void onPodDeleted(Pod pod) {
                    self.tell(new PodDeleted(pod));
                }

                @Override
                public void onWatchStopped(Throwable error) {
                    self.tell(new WatchFailed(namespace, error));
                }
            };
            context.pipeToSelf(operations.watchDriverPods(namespace, settings.informerResync(), listener),
                (watch, error) -> error == null ? new WatchStarted(namespace, watch)
                    : new WatchFailed(namespace, error));
        }

        private Behavior<Command> onWatchStarted(WatchStarted msg) {
            if (watches.containsKey(msg.namespace())) {
                watches.put(msg.namespace(), Optional.of(msg.watch()));
                context.getLog().debug("watching the driver pods of namespace {}", msg.namespace());
            } else {
                msg.watch().close();
            }
            return Behaviors.same();
        }

        private Behavior<Command> onWatchFailed(WatchFailed msg) {
            Optional<DriverPodWatch> watch = watches.remove(msg.namespace());
            if (watch != null) {
                watch.ifPresent(DriverPodWatch::close);
            }
            String reason = "cannot watch the driver pods of namespace " + msg.namespace() + ": "
                + ApiError.classify(msg.error()).message();
            context.getLog().warn(reason);
            subscribers.forEach((key, subscriber) -> {
                if (key.namespace().equals(msg.namespace())) {
                    subscriber.tell(new WatchLost(msg.namespace(), reason));
                }
            });
            // Try again later: permissions may be granted, the API server may come back.
            timers.startSingleTimer(new RestartWatch(msg.namespace()), settings.retry().maxBackoff());
            return Behaviors.same();
        }

        private Behavior<Command> observe(DriverPodObservation observation) {
            PodKey key = new PodKey(observation.namespace(), observation.podName());
            if (observation.deleted()) {
                lastSeen.put(key, observation);
                deletedAt.put(key, Instant.now());
            } else {
                lastSeen.put(key, observation);
                deletedAt.remove(key);
            }
            ActorRef<Observed> subscriber = subscribers.get(key);
            if (subscriber != null) {
                subscriber.tell(new PodObserved(observation));
            }
            return Behaviors.same();
        }

        private Behavior<Command> forgetDeleted() {
            Instant before = Instant.now().minus(settings.deletedPodMemory());
            deletedAt.entrySet().removeIf(e -> {
                if (e.getValue().isBefore(before)) {
                    lastSeen.remove(e.getKey());
                    return true;
                }
                return false;
            });
            return Behaviors.same();
        }
    }
}
