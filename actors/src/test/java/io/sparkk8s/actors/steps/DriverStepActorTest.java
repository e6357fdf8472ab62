package io.sparkk8s.actors.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DriverStepActorTest {

    private static final ActorTestKit TEST_KIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static DriverConfigurationStep addConfigMap(String name) {
        return spec -> spec.withOtherResource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
            .build());
    }

    /** A parent that spawns the chain, so the chain is built exactly as the supervisor will build it. */
    private static Behavior<KubernetesDriverSpec> parentRunning(List<DriverConfigurationStep> steps,
        ActorRef<DriverStepActor.Result> replyTo) {
        return Behaviors.setup(ctx -> {
            ActorRef<DriverStepActor.Command> head = DriverStepActor.spawnChain(ctx, "steps", steps);
            return Behaviors.receiveMessage(spec -> {
                head.tell(new DriverStepActor.Configure("sub-1", spec, replyTo));
                return Behaviors.same();
            });
        });
    }

    @Test
    void appliesEveryStepInOrderAndRepliesWithTheFinalSpec() {
        TestProbe<DriverStepActor.Result> probe = TEST_KIT.createTestProbe();
        ActorRef<KubernetesDriverSpec> parent = TEST_KIT.spawn(parentRunning(List.of(addConfigMap("first"),
            new DriverLabelsStep("spark-1"), addConfigMap("second")), probe.getRef()));

        parent.tell(KubernetesDriverSpec.initial(SparkConf.of(Map.of("spark.kubernetes.driver.label.a", "b"))));

        DriverStepActor.Configured done = probe.expectMessageClass(DriverStepActor.Configured.class);
        assertThat(done.submissionId()).isEqualTo("sub-1");
        assertThat(done.spec().otherKubernetesResources()).extracting(r -> r.getMetadata().getName())
            .containsExactly("first", "second");
        assertThat(done.spec().driverPod().getMetadata().getLabels()).containsEntry("a", "b")
            .containsEntry("spark-role", "driver");
    }

    @Test
    void aFailingStepEndsTheChainAndLaterStepsNeverRun() {
        TestProbe<DriverStepActor.Result> probe = TEST_KIT.createTestProbe();
        AtomicInteger laterStepRuns = new AtomicInteger();
        DriverConfigurationStep later = spec -> {
            laterStepRuns.incrementAndGet();
            return spec;
        };
        ActorRef<KubernetesDriverSpec> parent = TEST_KIT.spawn(parentRunning(List.of(new DriverLabelsStep("spark-1"),
            later), probe.getRef()));

        parent.tell(KubernetesDriverSpec.initial(SparkConf.of(Map.of(
            "spark.kubernetes.driver.label.spark-role", "x"))));

        DriverStepActor.Failed failed = probe.expectMessageClass(DriverStepActor.Failed.class);
        assertThat(failed.stepName()).isEqualTo("DriverLabelsStep");
        assertThat(failed.error()).isInstanceOf(SubmissionConfigurationException.class);
        probe.expectNoMessage();
        assertThat(laterStepRuns).hasValue(0);
    }

    @Test
    void anEmptyChainRepliesWithTheSpecUnchanged() {
        TestProbe<DriverStepActor.Result> probe = TEST_KIT.createTestProbe();
        ActorRef<KubernetesDriverSpec> parent = TEST_KIT.spawn(parentRunning(List.of(), probe.getRef()));
        KubernetesDriverSpec spec = KubernetesDriverSpec.initial(SparkConf.of(Map.of("k", "v")));

        parent.tell(spec);

        assertThat(probe.expectMessageClass(DriverStepActor.Configured.class).spec()).isEqualTo(spec);
    }
}
