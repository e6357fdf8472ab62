package io.sparkk8s.actors.steps;

import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One link of the chain of step actors: applies its {@link DriverConfigurationStep} to the spec it
 * receives and passes the result to the next link, or to the requester when it is the last one. A
 * step that throws ends the chain with {@link Failed}; later steps never see the spec.
 *
 * <p>Steps are pure and CPU-only (a step that needs I/O receives an interface that does it
 * asynchronously), so applying them on the actor's thread is fine.
 */
public final class DriverStepActor {

    private DriverStepActor() {
    }

    /** What a step actor accepts. */
    public sealed interface Command {
    }

    /**
     * Configure {@code spec} with this and all following steps.
     *
     * @param submissionId the submission the spec belongs to, for logs and replies
     * @param spec the spec built so far
     * @param replyTo who gets the final {@link Result}
     */
    public record Configure(String submissionId, KubernetesDriverSpec spec, ActorRef<Result> replyTo)
        implements Command {
    }

    /** The outcome of a chain. */
    public sealed interface Result {
        /** The submission this result belongs to. */
        String submissionId();
    }

    /** Every step applied. */
    public record Configured(String submissionId, KubernetesDriverSpec spec) implements Result {
    }

    /** The step named {@code stepName} rejected the submission; the error is the user's to read. */
    public record Failed(String submissionId, String stepName, RuntimeException error) implements Result {
    }

    /** A link applying {@code step} and forwarding to {@code next}, or replying if there is none. */
    public static Behavior<Command> create(DriverConfigurationStep step, Optional<ActorRef<Command>> next) {
        return Behaviors.receive(Command.class)
            .onMessage(Configure.class, msg -> {
                KubernetesDriverSpec configured;
                try {
                    configured = step.configureDriver(msg.spec());
                } catch (RuntimeException e) {
                    msg.replyTo().tell(new Failed(msg.submissionId(), stepName(step), e));
                    return Behaviors.same();
                }
                if (next.isPresent()) {
                    next.get().tell(new Configure(msg.submissionId(), configured, msg.replyTo()));
                } else {
                    msg.replyTo().tell(new Configured(msg.submissionId(), configured));
                }
                return Behaviors.same();
            })
            .build();
    }

    /**
     * Spawns one child actor per step, linked in order, and returns the head of the chain. An empty
     * list gives a chain that replies with the spec unchanged.
     */
    public static ActorRef<Command> spawnChain(ActorContext<?> context, String namePrefix,
        List<DriverConfigurationStep> steps) {
        return spawnChain(context, namePrefix, steps, Props.empty());
    }

    /**
     * As {@link #spawnChain(ActorContext, String, List)}, with {@code props} for every link: steps that
     * read files (pod templates, Hadoop configuration) run on the dispatcher it selects.
     */
    public static ActorRef<Command> spawnChain(ActorContext<?> context, String namePrefix,
        List<DriverConfigurationStep> steps, Props props) {
        Optional<ActorRef<Command>> next = Optional.empty();
        for (int i = steps.size() - 1; i >= 0; i--) {
            DriverConfigurationStep step = steps.get(i);
            next = Optional.of(context.spawn(create(step, next), namePrefix + "-" + i + "-" + stepName(step), props));
        }
        return next.orElseGet(() -> context.spawn(create(spec -> spec, Optional.empty()), namePrefix + "-identity",
            props));
    }

    private static String stepName(DriverConfigurationStep step) {
        String simple = step.getClass().getSimpleName();
        return simple.isEmpty() || simple.contains("$$Lambda") ? "step" : simple;
    }
}
