package io.sparkk8s.actors.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.actors.runtime.FakeKubernetesOperations;
import io.sparkk8s.actors.runtime.SubmissionSupervisorTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SparkKubernetesSubmitterTest {

    private static final ActorTestKit TEST_KIT = ActorTestKit.create();

    private FakeKubernetesOperations ops;
    private SparkKubernetesSubmitter submitter;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    @BeforeEach
    void start() {
        ops = FakeKubernetesOperations.succeeding();
        submitter = SparkKubernetesSubmitter.builder().actorSystem(TEST_KIT.system()).kubernetesOperations(ops)
            .maxInFlight(4).build();
    }

    @AfterEach
    void stop() {
        submitter.close();
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void submitCompletesWithTheHandleOnceTheDriverPodExists() throws Exception {
        SubmissionHandle handle = await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of())));

        assertThat(ops.pods).containsKey(handle.namespace() + "/" + handle.driverPodName());
        assertThat(handle.submissionId()).matches("spark-[0-9a-f]{32}");
        assertThat(await(submitter.status(handle.submissionId())).state()).isIn(SubmissionState.SUBMITTED,
            SubmissionState.PENDING);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> await(submitter.status(handle.submissionId())).state() == SubmissionState.PENDING);
        assertThat(await(submitter.list(SubmissionFilter.all()))).extracting(SubmissionStatus::submissionId)
            .containsExactly(handle.submissionId());
    }

    @Test
    void callersStagesRunOnTheActorSystemsDispatcherNotOnAThreadStartedPerCall() throws Exception {
        SubmissionHandle handle = await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of())));
        String dispatcherThreads = TEST_KIT.system().name() + "-pekko.actor.default-dispatcher-";

        // The stage Pekko's ask returns would run these on the JDK's default async executor: the common
        // pool, or a new thread per stage on a machine with two cores.
        List<String> threads = List.of(
            await(submitter.status(handle.submissionId()).thenApply(s -> Thread.currentThread().getName())),
            await(submitter.list(SubmissionFilter.all()).thenApply(l -> Thread.currentThread().getName())),
            await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of()))
                .thenApply(h -> Thread.currentThread().getName())));

        // (A stage attached after its future completed runs on the caller's thread: also fine.)
        String caller = Thread.currentThread().getName();
        assertThat(threads).allSatisfy(name -> assertThat(name.startsWith(dispatcherThreads) || name.equals(caller))
            .as("stage ran on thread %s", name).isTrue());
    }

    @Test
    void watchStreamsEveryStateUpToTheTerminalOneAndCompletes() throws Exception {
        SubmissionHandle handle = await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of())));
        CompletableFuture<List<SubmissionStatus>> watched = submitter.watch(handle.submissionId())
            .runWith(Sink.seq(), TEST_KIT.system()).toCompletableFuture();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> await(submitter.status(handle.submissionId())).state() == SubmissionState.PENDING);

        ops.setPhase(handle.namespace(), handle.driverPodName(), "Running", null, null);
        ops.setPhase(handle.namespace(), handle.driverPodName(), "Failed", 137, "OOMKilled");

        List<SubmissionStatus> statuses = watched.get(10, TimeUnit.SECONDS);
        assertThat(statuses).extracting(SubmissionStatus::state).endsWith(SubmissionState.RUNNING,
            SubmissionState.FAILED);
        SubmissionStatus last = statuses.get(statuses.size() - 1);
        assertThat(last.exitCode()).contains(137);
        assertThat(last.terminationReason()).contains("OOMKilled");
    }

    @Test
    void watchPublisherDeliversTheSameToAPlainFlowSubscriber() throws Exception {
        SubmissionHandle handle = await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of())));
        List<SubmissionState> states = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> completed = new CompletableFuture<>();
        submitter.watchPublisher(handle.submissionId()).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(SubmissionStatus item) {
                states.add(item.state());
            }

            @Override
            public void onError(Throwable throwable) {
                completed.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                completed.complete(null);
            }
        });

        await(submitter.kill(handle.submissionId()));

        completed.get(10, TimeUnit.SECONDS);
        assertThat(states).last().isEqualTo(SubmissionState.KILLED);
        assertThat(ops.podDeletions).containsExactly(handle.namespace() + "/" + handle.driverPodName());
    }

    @Test
    void aCallerChosenIdNamesTheResourcesAndCannotBeSubmittedTwice() throws Exception {
        String id = "spark-0123456789abcdef0123456789abcdef";

        SubmissionHandle handle = await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of()), id));

        assertThat(handle.submissionId()).isEqualTo(id);
        assertThat(ops.pods.get(handle.namespace() + "/" + handle.driverPodName()).getMetadata().getLabels())
            .containsEntry("spark-app-selector", id);
        assertThatThrownBy(() -> await(submitter.submit(SubmissionSupervisorTest.request("pi", Map.of()), id)))
            .cause().isInstanceOf(SubmissionRejectedException.class).hasMessageContaining("submitted already");
    }

    @Test
    void anIdThatCannotBeALabelValueIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> submitter.submit(SubmissionSupervisorTest.request("pi", Map.of()), "Spark_1"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("submissionId 'Spark_1'")
            .hasMessageContaining("lower-case");
    }

    @Test
    void unknownIdsFailWithUnknownSubmissionException() {
        assertThatThrownBy(() -> await(submitter.status("spark-unknown"))).cause()
            .isInstanceOf(UnknownSubmissionException.class);
        assertThatThrownBy(() -> await(submitter.kill("spark-unknown"))).cause()
            .isInstanceOf(UnknownSubmissionException.class);
        assertThatThrownBy(() -> await(submitter.watch("spark-unknown").runWith(Sink.ignore(), TEST_KIT.system())))
            .cause().isInstanceOf(UnknownSubmissionException.class);
    }

    @Test
    void afterCloseSubmissionsAreRejected() {
        submitter.close();

        assertThatThrownBy(() -> submitter.submit(SubmissionSupervisorTest.request("late", Map.of()))
            .toCompletableFuture().join()).isInstanceOf(CompletionException.class)
            .cause().isInstanceOf(SubmissionRejectedException.class).hasMessageContaining("closed");
    }
}
