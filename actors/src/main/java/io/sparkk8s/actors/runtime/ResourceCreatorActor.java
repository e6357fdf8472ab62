package io.sparkk8s.actors.runtime;

import static io.sparkk8s.actors.runtime.CompletionFailures.unwrap;

import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator.CreatedResources;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Creates one submission's resources on the API server, on the blocking dispatcher, with the
 * retries of {@link RetryBackoff}: transient errors (connection refused, timeouts, 5xx) and 429s are
 * retried with exponential backoff and jitter, at most {@code max-attempts} times; permanent errors
 * (4xx validation, a name taken by someone else, forbidden) fail at once with the server's message.
 *
 * <p>Each attempt is all-or-nothing (the {@link io.sparkk8s.submission.KubernetesResourceCreator}
 * rolls back what it created), and names are deterministic, so a retry adopts what an attempt whose
 * answer was lost did create. When the submission finally fails, everything labelled with its
 * application id is deleted as well, for what an ambiguous failure may have left. Handles one
 * {@link Create} and stops.
 */
public final class ResourceCreatorActor {

    private ResourceCreatorActor() {
    }

    /** What the creator accepts. */
    public sealed interface Command {
    }

    /**
     * Create {@code spec}'s resources.
     *
     * @param submissionId the submission, for logs and replies
     * @param spec the configured spec
     * @param replyTo who gets {@link Throttled} notices and the final {@link Result}
     */
    public record Create(String submissionId, KubernetesDriverSpec spec, ActorRef<Result> replyTo)
        implements Command {
    }

    private record AttemptSucceeded(CreatedResources resources) implements Command {
    }

    private record AttemptFailed(Throwable error) implements Command {
    }

    private record LeftoversDeleted(ApiError finalError, String message) implements Command {
    }

    private enum Retry implements Command {
        INSTANCE
    }

    /** What the creator tells its requester. */
    public sealed interface Result {
        /** The submission concerned. */
        String submissionId();
    }

    /** Everything was created; {@code attempts} says how many attempts it took. */
    public record Created(String submissionId, CreatedResources resources, int attempts) implements Result {
    }

    /** The submission failed for good, nothing it created is left; {@code message} is for the user. */
    public record CreationFailed(String submissionId, String message, Throwable cause, int attempts)
        implements Result {
    }

    /** The API server answered 429; the creator waits {@code retryAfter} before its next attempt. */
    public record Throttled(String submissionId, Duration retryAfter) implements Result {
    }

    /** A creator calling {@code operations} on {@code blocking}, retrying as {@code retry} says. */
    public static Behavior<Command> create(KubernetesOperations operations, RetryBackoff retry, Executor blocking) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            Behaviors.receive(Command.class)
                .onMessage(Create.class, msg -> new Attempts(context, timers, operations, retry, blocking, msg)
                    .start())
                .build()));
    }

    private static final class Attempts {
        private final ActorContext<Command> context;
        private final TimerScheduler<Command> timers;
        private final KubernetesOperations operations;
        private final RetryBackoff retry;
        private final Executor blocking;
        private final Create request;
        private int attempt;

        Attempts(ActorContext<Command> context, TimerScheduler<Command> timers, KubernetesOperations operations,
            RetryBackoff retry, Executor blocking, Create request) {
            this.context = context;
            this.timers = timers;
            this.operations = operations;
            this.retry = retry;
            this.blocking = blocking;
            this.request = request;
        }

        Behavior<Command> start() {
            attempt();
            return Behaviors.receive(Command.class)
                .onMessage(AttemptSucceeded.class, msg -> {
                    request.replyTo().tell(new Created(request.submissionId(), msg.resources(), attempt));
                    return Behaviors.stopped();
                })
                .onMessage(AttemptFailed.class, this::onFailure)
                .onMessageEquals(Retry.INSTANCE, () -> {
                    attempt();
                    return Behaviors.same();
                })
                .onMessage(LeftoversDeleted.class, msg -> {
                    request.replyTo().tell(new CreationFailed(request.submissionId(), msg.message(),
                        msg.finalError().cause(), attempt));
                    return Behaviors.stopped();
                })
                .build();
        }

        private void attempt() {
            attempt++;
            KubernetesDriverSpec spec = request.spec();
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> operations.create(spec), blocking),
                (created, error) -> error == null ? new AttemptSucceeded(created) : new AttemptFailed(unwrap(error)));
        }

        private Behavior<Command> onFailure(AttemptFailed msg) {
            ApiError error = ApiError.classify(msg.error());
            if (error.isRetryable() && retry.mayRetryAfter(attempt)) {
                Duration delay = retry.delayAfter(attempt, error.retryAfter());
                if (error.kind() == ApiError.Kind.THROTTLED) {
                    request.replyTo().tell(new Throttled(request.submissionId(), delay));
                }
                context.getLog().info("{}: attempt {} of {} failed ({}: {}); retrying in {} ms", request.submissionId(),
                    attempt, retry.maxAttempts(), error.kind(), error.message(), delay.toMillis());
                timers.startSingleTimer(Retry.INSTANCE, delay);
                return Behaviors.same();
            }
            String message = error.isRetryable() ? "gave up after " + attempt + " attempts (retry.max-attempts = "
                + retry.maxAttempts() + "), last error: " + error.message() : error.message();
            context.getLog().warn("{}: {}", request.submissionId(), message);
            String namespace = request.spec().driverPod().getMetadata().getNamespace();
            String appId = request.spec().driverPod().getMetadata().getLabels().get(DriverLabelsStep.APP_ID_LABEL);
            context.pipeToSelf(CompletableFuture.runAsync(() -> operations.deleteLeftovers(namespace, appId), blocking),
                (ignored, cleanupError) -> {
                    if (cleanupError != null) {
                        error.cause().addSuppressed(cleanupError);
                    }
                    return new LeftoversDeleted(error, message);
                });
            return Behaviors.same();
        }
    }
}
