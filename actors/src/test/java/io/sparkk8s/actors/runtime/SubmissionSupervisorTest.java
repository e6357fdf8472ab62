package io.sparkk8s.actors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionFilter;
import io.sparkk8s.actors.api.SubmissionRejectedException;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.api.UnknownSubmissionException;
import io.sparkk8s.actors.runtime.SubmissionSupervisor.Created;
import io.sparkk8s.actors.runtime.SubmissionSupervisor.SubmitFailed;
import io.sparkk8s.actors.runtime.SubmissionSupervisor.SubmitReply;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

public class SubmissionSupervisorTest {

    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static SubmissionRuntimeSettings settings() {
        return SubmissionRuntimeSettings.fromConfig(TEST_KIT.system().settings().config())
            .withRetry(new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(40), 0.2, 4));
    }

    public static SubmissionRequest request(String appName, Map<String, String> extraConf) {
        Map<String, String> conf = new HashMap<>(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1",
            "spark.app.name", appName, "spark.kubernetes.namespace", "team-a"));
        conf.putAll(extraConf);
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://https://127.0.0.1:6443"),
            Optional.of("org.apache.spark.examples.SparkPi"), appName,
            "local:///opt/spark/examples/jars/spark-examples.jar", List.of("100"), SparkConf.of(conf),
            Optional.empty(), false);
    }

    private static ActorRef<SubmissionSupervisor.Command> supervisor(FakeKubernetesOperations ops,
        SubmissionRuntimeSettings settings) {
        return supervisor(ops, settings, DriverStepPlanner.orchestrator(Optional.empty(), Map.of()));
    }

    private static ActorRef<SubmissionSupervisor.Command> supervisor(FakeKubernetesOperations ops,
        SubmissionRuntimeSettings settings, DriverStepPlanner planner) {
        return TEST_KIT.spawn(SubmissionSupervisor.create(ops, settings, planner));
    }

    private static String submit(ActorRef<SubmissionSupervisor.Command> supervisor, String appName,
        TestProbe<SubmitReply> probe) {
        return submit(supervisor, request(appName, Map.of()), probe);
    }

    private static String submit(ActorRef<SubmissionSupervisor.Command> supervisor, SubmissionRequest request,
        TestProbe<SubmitReply> probe) {
        String id = DriverResourceNames.newAppId();
        supervisor.tell(new SubmissionSupervisor.Submit(id, request, probe.getRef()));
        return id;
    }

    private static SubmissionStatus statusOf(ActorRef<SubmissionSupervisor.Command> supervisor, String id) {
        TestProbe<Optional<SubmissionStatus>> probe = TEST_KIT.createTestProbe();
        supervisor.tell(new SubmissionSupervisor.GetStatus(id, probe.getRef()));
        return probe.receiveMessage().orElseThrow();
    }

    @Test
    void submitRunsTheStepChainCreatesTheSpecAndRepliesWithTheDriverPod() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();

        String id = submit(supervisor, "pi", probe);

        Created created = probe.expectMessageClass(Created.class, PATIENCE);
        assertThat(created.handle().submissionId()).isEqualTo(id);
        assertThat(created.handle().namespace()).isEqualTo("team-a");
        assertThat(created.handle().driverPodName()).startsWith("pi-").endsWith("-driver");
        assertThat(ops.pods).containsKey("team-a/" + created.handle().driverPodName());
        var pod = ops.pods.get("team-a/" + created.handle().driverPodName());
        assertThat(pod.getMetadata().getLabels()).containsEntry("spark-app-selector", id)
            .containsEntry("spark-role", "driver");
        assertThat(pod.getSpec().getContainers()).extracting(c -> c.getImage()).containsExactly("apache/spark:3.5.1");
        org.awaitility.Awaitility.await().atMost(PATIENCE)
            .until(() -> statusOf(supervisor, id).state() == SubmissionState.PENDING);
    }

    @Test
    void transientErrorsAreRetriedWithBackoffUntilTheCreationSucceeds() {
        FakeKubernetesOperations ops = new FakeKubernetesOperations((app, attempt) -> switch (attempt) {
            case 1 -> FakeKubernetesOperations.httpError(503, "etcdserver: leader changed", null);
            case 2 -> new io.fabric8.kubernetes.client.KubernetesClientException("connect failed",
                new ConnectException("Connection refused"));
            case 3 -> new io.fabric8.kubernetes.client.KubernetesClientException("timed out",
                new IOException("request timed out"));
            default -> null;
        }, false);
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();

        submit(supervisor, "flaky", probe);

        probe.expectMessageClass(Created.class, PATIENCE);
        assertThat(ops.attemptsOf("flaky")).isEqualTo(4);
        List<FakeKubernetesOperations.CreateCall> calls = ops.createCalls;
        for (int i = 1; i < calls.size(); i++) {
            long gapMillis = (calls.get(i).startedNanos() - calls.get(i - 1).startedNanos()) / 1_000_000;
            // min-backoff 10 ms doubling: at least 10, 20, 40 (capped at max-backoff 40) between attempts.
            assertThat(gapMillis).as("gap before attempt %d", i + 1)
                .isGreaterThanOrEqualTo(Math.min(40, 10L << (i - 1)));
        }
    }

    @Test
    void transientErrorsThatOutlastTheRetriesFailTheSubmissionAndLeaveNothing() {
        FakeKubernetesOperations ops = new FakeKubernetesOperations(
            (app, attempt) -> FakeKubernetesOperations.httpError(500, "internal error", null), false);
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();

        String id = submit(supervisor, "doomed", probe);

        SubmitFailed failed = probe.expectMessageClass(SubmitFailed.class, PATIENCE);
        assertThat(failed.error()).isInstanceOf(SubmissionFailedException.class)
            .hasMessageContaining("gave up after 4 attempts").hasMessageContaining("retry.max-attempts = 4")
            .hasMessageContaining("internal error");
        assertThat(ops.attemptsOf("doomed")).isEqualTo(4);
        assertThat(ops.leftoverDeletions).containsExactly(id);
        SubmissionStatus status = statusOf(supervisor, id);
        assertThat(status.state()).isEqualTo(SubmissionState.FAILED);
        assertThat(status.terminationReason()).contains("SubmissionFailed");
    }

    @Test
    void validationErrorsFailAtOnceWithTheServersMessage() {
        String serverMessage = "Pod \"x\" is invalid: metadata.labels: Invalid value: \"a b\"";
        FakeKubernetesOperations ops = new FakeKubernetesOperations(
            (app, attempt) -> FakeKubernetesOperations.httpError(422, serverMessage, null), false);
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();

        submit(supervisor, "invalid", probe);

        SubmitFailed failed = probe.expectMessageClass(SubmitFailed.class, PATIENCE);
        assertThat(failed.error()).hasMessageContaining(serverMessage).hasMessageNotContaining("gave up");
        assertThat(ops.attemptsOf("invalid")).isEqualTo(1);
    }

    @Test
    void aStepRejectingTheRequestFailsTheSubmissionNamingTheKeyBeforeAnythingIsCreated() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();

        submit(supervisor, request("labelled", Map.of("spark.kubernetes.driver.label.spark-role", "x")), probe);

        SubmitFailed failed = probe.expectMessageClass(SubmitFailed.class, PATIENCE);
        assertThat(failed.error()).hasMessageContaining("spark.kubernetes.driver.label.spark-role");
        assertThat(ops.createCalls).isEmpty();
    }

    @Test
    void aCrashingStepActorFailsOnlyItsOwnSubmission() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        DriverStepPlanner base = DriverStepPlanner.orchestrator(Optional.empty(), Map.of());
        DriverConfigurationStep crashing = spec -> {
            throw sneaky(new Exception("disk on fire"));
        };
        DriverStepPlanner planner = (request, names) -> {
            List<DriverConfigurationStep> steps = new ArrayList<>(base.steps(request, names));
            if (request.appName().equals("crasher")) {
                steps.add(1, crashing);
            }
            return steps;
        };
        var supervisor = supervisor(ops, settings(), planner);
        TestProbe<SubmitReply> crasherProbe = TEST_KIT.createTestProbe();
        TestProbe<SubmitReply> healthyProbe = TEST_KIT.createTestProbe();

        submit(supervisor, "crasher", crasherProbe);
        submit(supervisor, "healthy", healthyProbe);

        SubmitFailed failed = crasherProbe.expectMessageClass(SubmitFailed.class, PATIENCE);
        assertThat(failed.error()).hasMessageContaining("crashed").hasMessageContaining("disk on fire");
        healthyProbe.expectMessageClass(Created.class, PATIENCE);
        assertThat(ops.createCalls).extracting(FakeKubernetesOperations.CreateCall::appName)
            .containsExactly("healthy");
    }

    @Test
    void atMostMaxInFlightCreationsRunAndAFullQueueRejectsNamingTheBounds() {
        FakeKubernetesOperations ops = new FakeKubernetesOperations((app, attempt) -> null, true);
        var supervisor = supervisor(ops, settings().withMaxInFlight(2).withMaxQueued(2));
        List<TestProbe<SubmitReply>> probes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            probes.add(TEST_KIT.createTestProbe());
            submit(supervisor, "app-" + i, probes.get(i));
        }

        SubmitFailed rejected = probes.get(4).expectMessageClass(SubmitFailed.class, PATIENCE);
        assertThat(rejected.error()).isInstanceOf(SubmissionRejectedException.class)
            .hasMessageContaining("max-queued = 2").hasMessageContaining("max-in-flight = 2");
        TestProbe<List<SubmissionStatus>> list = TEST_KIT.createTestProbe();
        supervisor.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all(), list.getRef()));
        assertThat(list.receiveMessage()).hasSize(4);
        org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> ops.createCalls.size() == 2);
        ops.openGate();

        for (int i = 0; i < 4; i++) {
            probes.get(i).expectMessageClass(Created.class, PATIENCE);
        }
        assertThat(ops.maxConcurrent.get()).isEqualTo(2);
        assertThat(ops.createCalls).hasSize(4);
    }

    @Test
    void a429PausesAllDispatchingForTheRetryAfterTheServerAskedFor() {
        FakeKubernetesOperations ops = new FakeKubernetesOperations((app, attempt) -> app.equals("first")
            && attempt == 1 ? FakeKubernetesOperations.httpError(429, "too many requests", 1) : null, false);
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> first = TEST_KIT.createTestProbe();
        TestProbe<SubmitReply> second = TEST_KIT.createTestProbe();

        submit(supervisor, "first", first);
        org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> ops.attemptsOf("first") == 1);
        long throttledAt = ops.createCalls.get(0).startedNanos();
        submit(supervisor, "second", second);

        first.expectMessageClass(Created.class, PATIENCE);
        second.expectMessageClass(Created.class, PATIENCE);
        long secondStart = ops.createCalls.stream().filter(c -> c.appName().equals("second")).findFirst()
            .orElseThrow().startedNanos();
        long retryStart = ops.createCalls.stream().filter(c -> c.appName().equals("first") && c.attempt() == 2)
            .findFirst().orElseThrow().startedNanos();
        assertThat((secondStart - throttledAt) / 1_000_000).isGreaterThanOrEqualTo(900);
        assertThat((retryStart - throttledAt) / 1_000_000).isGreaterThanOrEqualTo(900);
    }

    @Test
    void statusFollowsTheDriverPodsThroughOneSharedInformerPerNamespace() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probeA = TEST_KIT.createTestProbe();
        TestProbe<SubmitReply> probeB = TEST_KIT.createTestProbe();
        String a = submit(supervisor, "a", probeA);
        String b = submit(supervisor, "b", probeB);
        String podA = probeA.expectMessageClass(Created.class, PATIENCE).handle().driverPodName();
        String podB = probeB.expectMessageClass(Created.class, PATIENCE).handle().driverPodName();
        TestProbe<SubmissionSupervisor.WatchEvent> watcher = TEST_KIT.createTestProbe();
        supervisor.tell(new SubmissionSupervisor.Watch(a, watcher.getRef()));
        assertThat(((SubmissionSupervisor.StatusUpdate) watcher.receiveMessage(PATIENCE)).status().state())
            .isIn(SubmissionState.SUBMITTED, SubmissionState.PENDING);

        ops.setPhase("team-a", podA, "Running", null, null);
        ops.setPhase("team-a", podA, "Succeeded", 0, "Completed");
        ops.setPhase("team-a", podB, "Failed", 1, "Error");

        List<SubmissionState> seen = new ArrayList<>();
        SubmissionSupervisor.WatchEvent event;
        while ((event = watcher.receiveMessage(PATIENCE)) instanceof SubmissionSupervisor.StatusUpdate update) {
            seen.add(update.status().state());
        }
        assertThat(event).isEqualTo(SubmissionSupervisor.WatchEnded.INSTANCE);
        assertThat(seen).endsWith(SubmissionState.RUNNING, SubmissionState.SUCCEEDED);
        SubmissionStatus succeeded = statusOf(supervisor, a);
        assertThat(succeeded.exitCode()).contains(0);
        assertThat(succeeded.terminationReason()).contains("Completed");
        org.awaitility.Awaitility.await().atMost(PATIENCE)
            .until(() -> statusOf(supervisor, b).state() == SubmissionState.FAILED);
        assertThat(statusOf(supervisor, b).exitCode()).contains(1);
        assertThat(statusOf(supervisor, b).terminationReason()).contains("Error");
        assertThat(ops.watchesStarted).containsOnlyKeys("team-a");
        assertThat(ops.watchesStarted.get("team-a").get()).isEqualTo(1);
    }

    @Test
    void killDeletesTheDriverPodAndTheSubmissionEndsKilled() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();
        String id = submit(supervisor, "victim", probe);
        String pod = probe.expectMessageClass(Created.class, PATIENCE).handle().driverPodName();
        ops.setPhase("team-a", pod, "Running", null, null);
        TestProbe<SubmissionSupervisor.KillReply> killProbe = TEST_KIT.createTestProbe();

        supervisor.tell(new SubmissionSupervisor.Kill(id, killProbe.getRef()));

        var accepted = killProbe.expectMessageClass(SubmissionSupervisor.KillAccepted.class, PATIENCE);
        assertThat(accepted.status().state()).isEqualTo(SubmissionState.KILLED);
        assertThat(ops.podDeletions).containsExactly("team-a/" + pod);
        org.awaitility.Awaitility.await().atMost(PATIENCE)
            .until(() -> statusOf(supervisor, id).state() == SubmissionState.KILLED);
    }

    @Test
    void killOfAFinishedSubmissionDeletesItsDriverPodAndKeepsItsOutcome() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();
        String id = submit(supervisor, "done", probe);
        String pod = probe.expectMessageClass(Created.class, PATIENCE).handle().driverPodName();
        ops.setPhase("team-a", pod, "Succeeded", 0, "Completed");
        org.awaitility.Awaitility.await().atMost(PATIENCE)
            .until(() -> statusOf(supervisor, id).state() == SubmissionState.SUCCEEDED);
        TestProbe<SubmissionSupervisor.KillReply> killProbe = TEST_KIT.createTestProbe();

        supervisor.tell(new SubmissionSupervisor.Kill(id, killProbe.getRef()));

        var accepted = killProbe.expectMessageClass(SubmissionSupervisor.KillAccepted.class, PATIENCE);
        assertThat(accepted.status().state()).isEqualTo(SubmissionState.SUCCEEDED);
        assertThat(accepted.status().exitCode()).contains(0);
        assertThat(ops.podDeletions).containsExactly("team-a/" + pod);
        assertThat(statusOf(supervisor, id).state()).isEqualTo(SubmissionState.SUCCEEDED);
    }

    @Test
    void killingAnUnknownSubmissionIsRefusedAndWatchingItFails() {
        var supervisor = supervisor(FakeKubernetesOperations.succeeding(), settings());
        TestProbe<SubmissionSupervisor.KillReply> killProbe = TEST_KIT.createTestProbe();
        TestProbe<SubmissionSupervisor.WatchEvent> watcher = TEST_KIT.createTestProbe();

        supervisor.tell(new SubmissionSupervisor.Kill("spark-nope", killProbe.getRef()));
        supervisor.tell(new SubmissionSupervisor.Watch("spark-nope", watcher.getRef()));

        assertThat(killProbe.expectMessageClass(SubmissionSupervisor.KillRefused.class).error())
            .isInstanceOf(UnknownSubmissionException.class).hasMessageContaining("spark-nope");
        assertThat(watcher.expectMessageClass(SubmissionSupervisor.WatchFailed.class).error())
            .isInstanceOf(UnknownSubmissionException.class);
    }

    @Test
    void listFiltersByNamespaceStateAndName() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var supervisor = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();
        submit(supervisor, "one", probe);
        submit(supervisor, request("two", Map.of("spark.kubernetes.namespace", "team-b")), probe);
        probe.expectMessageClass(Created.class, PATIENCE);
        probe.expectMessageClass(Created.class, PATIENCE);
        TestProbe<List<SubmissionStatus>> list = TEST_KIT.createTestProbe();

        supervisor.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all().inNamespace("team-b"),
            list.getRef()));
        assertThat(list.receiveMessage()).extracting(SubmissionStatus::appName).containsExactly("two");
        supervisor.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all().withAppName("one")
            .inStates(SubmissionState.PENDING, SubmissionState.SUBMITTED), list.getRef()));
        assertThat(list.receiveMessage()).extracting(SubmissionStatus::appName).containsExactly("one");
        supervisor.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all()
            .inStates(SubmissionState.SUCCEEDED), list.getRef()));
        assertThat(list.receiveMessage()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException sneaky(Exception e) throws E {
        throw (E) e;
    }

    @Test
    void aRestartedRuntimeRebuildsTheSubmissionsOfItsNamespacesFromTheirDriverPods() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var first = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();
        String running = submit(first, "runs-on", probe);
        String killed = submit(first, "to-kill", probe);
        Map<String, String> pods = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            var handle = probe.expectMessageClass(Created.class, PATIENCE).handle();
            pods.put(handle.submissionId(), handle.driverPodName());
        }
        TEST_KIT.stop(first);

        var second = supervisor(ops, settings().withRecoverNamespaces(List.of("team-a")));

        TestProbe<List<SubmissionStatus>> listed = TEST_KIT.createTestProbe();
        second.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all(), listed.getRef()));
        assertThat(listed.receiveMessage(PATIENCE)).extracting(SubmissionStatus::submissionId,
                SubmissionStatus::appName, SubmissionStatus::state)
            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(running, "runs-on", SubmissionState.PENDING),
                org.assertj.core.groups.Tuple.tuple(killed, "to-kill", SubmissionState.PENDING));
        TestProbe<SubmissionSupervisor.WatchEvent> watcher = TEST_KIT.createTestProbe();
        second.tell(new SubmissionSupervisor.Watch(running, watcher.getRef()));
        assertThat(((SubmissionSupervisor.StatusUpdate) watcher.receiveMessage(PATIENCE)).status().state())
            .isEqualTo(SubmissionState.PENDING);
        ops.setPhase("team-a", pods.get(running), "Running", null, null);
        assertThat(((SubmissionSupervisor.StatusUpdate) watcher.receiveMessage(PATIENCE)).status().state())
            .isEqualTo(SubmissionState.RUNNING);
        ops.setPhase("team-a", pods.get(running), "Succeeded", 0, "Completed");
        SubmissionStatus done = ((SubmissionSupervisor.StatusUpdate) watcher.receiveMessage(PATIENCE)).status();
        assertThat(done.state()).isEqualTo(SubmissionState.SUCCEEDED);
        assertThat(done.exitCode()).contains(0);
        watcher.expectMessage(PATIENCE, SubmissionSupervisor.WatchEnded.INSTANCE);
        TestProbe<SubmissionSupervisor.KillReply> kill = TEST_KIT.createTestProbe();
        second.tell(new SubmissionSupervisor.Kill(killed, kill.getRef()));
        assertThat(kill.expectMessageClass(SubmissionSupervisor.KillAccepted.class, PATIENCE).status().state())
            .isEqualTo(SubmissionState.KILLED);
        assertThat(ops.podDeletions).containsExactly("team-a/" + pods.get(killed));
    }

    @Test
    void anIdTheRuntimeDoesNotKnowIsLookedUpOnTheApiServerBeforeItIsCalledUnknown() {
        FakeKubernetesOperations ops = FakeKubernetesOperations.succeeding();
        var first = supervisor(ops, settings());
        TestProbe<SubmitReply> probe = TEST_KIT.createTestProbe();
        String id = submit(first, "looked-up", probe);
        probe.expectMessageClass(Created.class, PATIENCE);
        TEST_KIT.stop(first);

        var second = supervisor(ops, settings());

        TestProbe<List<SubmissionStatus>> listed = TEST_KIT.createTestProbe();
        second.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all(), listed.getRef()));
        assertThat(listed.receiveMessage(PATIENCE)).as("nothing recovered at start without recover-namespaces")
            .isEmpty();
        SubmissionStatus status = statusOf(second, id);
        assertThat(status.appName()).isEqualTo("looked-up");
        assertThat(status.state()).isEqualTo(SubmissionState.PENDING);
        TestProbe<Optional<SubmissionStatus>> unknown = TEST_KIT.createTestProbe();
        second.tell(new SubmissionSupervisor.GetStatus(DriverResourceNames.newAppId(), unknown.getRef()));
        assertThat(unknown.receiveMessage(PATIENCE)).isEmpty();
        second.tell(new SubmissionSupervisor.ListSubmissions(SubmissionFilter.all(), listed.getRef()));
        assertThat(listed.receiveMessage(PATIENCE)).extracting(SubmissionStatus::submissionId).containsExactly(id);
    }
}
