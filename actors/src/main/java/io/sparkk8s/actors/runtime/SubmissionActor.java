package io.sparkk8s.actors.runtime;

import static io.sparkk8s.actors.runtime.CompletionFailures.unwrap;

import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.actors.api.SubmissionException;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.steps.DriverStepActor;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.PodTemplates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One submission, from request to end: its chain of step actors builds the spec, its {@link
 * ResourceCreatorActor} creates the resources, then it follows the driver pod through the shared
 * {@link DriverPodInformers} until the driver ends. Every change of state goes to the supervisor.
 *
 * <p>Everything that can go wrong here ends this submission only: a step that rejects the request, a
 * step actor that crashes, a creator that gives up. The supervisor watches this actor, so even a
 * crash of this actor fails only this submission.
 */
public final class SubmissionActor {

    private SubmissionActor() {
    }

    /** What a submission accepts. */
    public sealed interface Command {
    }

    /** Kill the submission: delete its driver pod, or stop before creating it. */
    public record Kill(ActorRef<SubmissionSupervisor.KillReply> replyTo) implements Command {
    }

    private record InitialSpec(KubernetesDriverSpec spec, Throwable error) implements Command {
    }

    private record StepResult(DriverStepActor.Result result) implements Command {
    }

    private record CreatorResult(ResourceCreatorActor.Result result) implements Command {
    }

    private record PodUpdate(DriverPodInformers.Observed observed) implements Command {
    }

    private record PodDeleteDone(Throwable error, ActorRef<SubmissionSupervisor.KillReply> replyTo)
        implements Command {
    }

    private record CrashCleanupDone(String message) implements Command {
    }

    /**
     * What a submission needs from its runtime.
     *
     * @param operations the API server calls
     * @param settings the runtime's settings
     * @param blocking the executor of the blocking dispatcher
     * @param planner picks the steps
     * @param informers the shared driver-pod informers
     * @param supervisor gets every change
     */
    public record Runtime(KubernetesOperations operations, SubmissionRuntimeSettings settings, Executor blocking,
        DriverStepPlanner planner, ActorRef<DriverPodInformers.Command> informers,
        ActorRef<SubmissionSupervisor.Command> supervisor) {
    }

    private enum Stage {
        CONFIGURING,
        CREATING,
        TRACKING
    }

    /** The actor of submission {@code initial.submissionId()} of {@code request} with {@code names}. */
    public static Behavior<Command> create(SubmissionRequest request, DriverResourceNames names,
        SubmissionStatus initial, Runtime runtime) {
        return Behaviors.setup(context -> new Submission(context, request, names, initial, runtime).start());
    }

    /**
     * The actor of a submission made earlier (by a runtime before a restart) whose driver pod exists: it
     * follows the pod from {@code current} on, and can kill it.
     */
    public static Behavior<Command> adopt(DriverResourceNames names, SubmissionStatus current, Runtime runtime) {
        return Behaviors.setup(context -> new Submission(context, null, names, current, runtime).follow());
    }

    private static final class Submission {
        private final ActorContext<Command> context;
        private final SubmissionRequest request;
        private final DriverResourceNames names;
        private final Runtime runtime;
        private final String id;
        private final List<ActorRef<DriverStepActor.Command>> chain = new ArrayList<>();
        private ActorRef<ResourceCreatorActor.Command> creator;
        private SubmissionStatus status;
        private Stage stage = Stage.CONFIGURING;
        private boolean killRequested;
        private Throwable failureCause;
        private final List<ActorRef<SubmissionSupervisor.KillReply>> pendingKills = new ArrayList<>();

        Submission(ActorContext<Command> context, SubmissionRequest request, DriverResourceNames names,
            SubmissionStatus initial, Runtime runtime) {
            this.context = context;
            this.request = request;
            this.names = names;
            this.runtime = runtime;
            this.status = initial;
            this.id = initial.submissionId();
        }

        Behavior<Command> start() {
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> PodTemplates.initialSpec(request.sparkConf()),
                runtime.blocking()), InitialSpec::new);
            return behavior();
        }

        Behavior<Command> follow() {
            stage = Stage.TRACKING;
            runtime.informers().tell(new DriverPodInformers.Track(names.namespace(), names.driverPodName(),
                context.messageAdapter(DriverPodInformers.Observed.class, PodUpdate::new)));
            return behavior();
        }

        private Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(InitialSpec.class, this::onInitialSpec)
                .onMessage(StepResult.class, this::onStepResult)
                .onMessage(CreatorResult.class, this::onCreatorResult)
                .onMessage(PodUpdate.class, this::onPodUpdate)
                .onMessage(Kill.class, this::onKill)
                .onMessage(PodDeleteDone.class, this::onPodDeleteDone)
                .onMessage(CrashCleanupDone.class, msg -> fail(msg.message(), null))
                .onSignal(Terminated.class, this::onTerminated)
                .build();
        }

        private Behavior<Command> onInitialSpec(InitialSpec msg) {
            if (msg.error() != null) {
                return fail(ApiError.classify(unwrap(msg.error())).message(), unwrap(msg.error()));
            }
            List<DriverConfigurationStep> steps;
            try {
                steps = runtime.planner().steps(request, names);
            } catch (RuntimeException e) {
                return fail(ApiError.classify(e).message(), e);
            }
            ActorRef<DriverStepActor.Command> head = DriverStepActor.spawnChain(context, "step", steps,
                DispatcherSelector.fromConfig(runtime.settings().blockingDispatcher()));
            context.getChildren().forEach(child -> {
                context.watch(child);
                chain.add(child.unsafeUpcast());
            });
            head.tell(new DriverStepActor.Configure(id, msg.spec(),
                context.messageAdapter(DriverStepActor.Result.class, StepResult::new)));
            return Behaviors.same();
        }

        private Behavior<Command> onStepResult(StepResult msg) {
            chain.forEach(step -> {
                context.unwatch(step);
                context.stop(step);
            });
            chain.clear();
            if (msg.result() instanceof DriverStepActor.Failed failed) {
                return fail(failed.error().getMessage() == null ? failed.stepName() + " failed: " + failed.error()
                    : failed.error().getMessage(), failed.error());
            }
            KubernetesDriverSpec spec = ((DriverStepActor.Configured) msg.result()).spec();
            stage = Stage.CREATING;
            creator = context.spawn(ResourceCreatorActor.create(runtime.operations(), runtime.settings().retry(),
                runtime.blocking()), "creator");
            context.watch(creator);
            creator.tell(new ResourceCreatorActor.Create(id, spec,
                context.messageAdapter(ResourceCreatorActor.Result.class, CreatorResult::new)));
            return Behaviors.same();
        }

        private Behavior<Command> onCreatorResult(CreatorResult msg) {
            if (msg.result() instanceof ResourceCreatorActor.Throttled throttled) {
                runtime.supervisor().tell(new SubmissionSupervisor.ApiThrottled(id, throttled.retryAfter()));
                return Behaviors.same();
            }
            context.unwatch(creator);
            if (msg.result() instanceof ResourceCreatorActor.CreationFailed failed) {
                return fail(failed.message(), failed.cause());
            }
            ResourceCreatorActor.Created created = (ResourceCreatorActor.Created) msg.result();
            stage = Stage.TRACKING;
            var pod = created.resources().driverPod().getMetadata();
            runtime.supervisor().tell(new SubmissionSupervisor.DriverCreated(id,
                new SubmissionHandle(id, pod.getNamespace(), pod.getName(), pod.getUid()), created.attempts()));
            runtime.informers().tell(new DriverPodInformers.Track(names.namespace(), names.driverPodName(),
                context.messageAdapter(DriverPodInformers.Observed.class, PodUpdate::new)));
            if (killRequested) {
                deletePod(null);
            }
            return Behaviors.same();
        }

        private Behavior<Command> onPodUpdate(PodUpdate msg) {
            if (msg.observed() instanceof DriverPodInformers.PodObserved observed) {
                return report(observed.observation().apply(status, killRequested));
            }
            DriverPodInformers.WatchLost lost = (DriverPodInformers.WatchLost) msg.observed();
            return report(status.with(SubmissionState.UNKNOWN, Optional.empty(), Optional.of("WatchLost"),
                Optional.of(lost.reason())));
        }

        private Behavior<Command> onKill(Kill msg) {
            killRequested = true;
            if (stage == Stage.CONFIGURING) {
                pendingKills.add(msg.replyTo());
                return report(status.with(SubmissionState.KILLED, Optional.empty(), Optional.of("Killed"),
                    Optional.of("killed before its driver pod was created")));
            }
            if (stage == Stage.CREATING) {
                // The pod is deleted as soon as the creation ends (see onCreatorResult); the reply follows.
                pendingKills.add(msg.replyTo());
                return Behaviors.same();
            }
            deletePod(msg.replyTo());
            return Behaviors.same();
        }

        private void deletePod(ActorRef<SubmissionSupervisor.KillReply> replyTo) {
            if (replyTo != null) {
                pendingKills.add(replyTo);
            }
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> runtime.operations().deleteDriverPod(
                names.namespace(), names.driverPodName()), runtime.blocking()),
                (existed, error) -> new PodDeleteDone(error == null ? null : unwrap(error), replyTo));
        }

        private Behavior<Command> onPodDeleteDone(PodDeleteDone msg) {
            if (msg.error() != null) {
                String message = "could not delete driver pod " + names.namespace() + "/" + names.driverPodName()
                    + " of " + id + ": " + ApiError.classify(msg.error()).message();
                context.getLog().warn(message);
                pendingKills.forEach(k -> k.tell(new SubmissionSupervisor.KillRefused(new SubmissionException(message,
                    msg.error()))));
                pendingKills.clear();
                return Behaviors.same();
            }
            // Deleted: the driver is killed now, whether or not the informer saw the pod go yet.
            return report(status.state().isTerminal() ? status : status.with(SubmissionState.KILLED,
                Optional.empty(), Optional.of("Killed"), Optional.of("the driver pod was deleted on request")));
        }

        private Behavior<Command> onTerminated(Terminated signal) {
            String cause = signal instanceof ChildFailed failed ? failed.getCause().toString() : "it stopped";
            if (stage == Stage.CONFIGURING && chain.contains(signal.getRef())) {
                return fail("configuration step actor " + signal.getRef().path().name() + " crashed: " + cause,
                    signal instanceof ChildFailed failed ? failed.getCause() : null);
            }
            if (stage == Stage.CREATING && signal.getRef().equals(creator)) {
                String message = "the resource creator crashed: " + cause;
                context.pipeToSelf(CompletableFuture.runAsync(() -> runtime.operations().deleteLeftovers(
                    names.namespace(), names.appId()), runtime.blocking()), (ignored, e) -> new CrashCleanupDone(
                        message));
            }
            return Behaviors.same();
        }

        private Behavior<Command> fail(String message, Throwable cause) {
            failureCause = cause;
            return report(status.with(SubmissionState.FAILED, Optional.empty(), Optional.of("SubmissionFailed"),
                Optional.of(message)));
        }

        private Behavior<Command> report(SubmissionStatus next) {
            if (next.sameAs(status) && !next.state().isTerminal()) {
                return Behaviors.same();
            }
            status = next;
            runtime.supervisor().tell(new SubmissionSupervisor.StatusChanged(status, failureCause));
            if (status.state().isTerminal()) {
                pendingKills.forEach(k -> k.tell(new SubmissionSupervisor.KillAccepted(status)));
                if (stage == Stage.TRACKING) {
                    runtime.informers().tell(new DriverPodInformers.Untrack(names.namespace(),
                        names.driverPodName()));
                }
                return Behaviors.stopped();
            }
            return Behaviors.same();
        }
    }
}
