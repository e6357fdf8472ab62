package io.sparkk8s.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.actors.api.SubmissionFilter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.api.UnknownSubmissionException;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Submissions outlive the runtime that made them: a submitter started after another one was closed (as
 * after a restart of the scheduler's JVM: nothing is shared but the API server) rebuilds them from their
 * driver pods, and status, list, watch and kill work on them while the test moves the pods through their
 * phases as a kubelet would.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SubmissionRecoveryIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static SubmissionRequest request(String appName, String namespace, String masterUrl) {
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://" + masterUrl),
            Optional.of("org.apache.spark.examples.SparkPi"), appName,
            "local:///opt/spark/examples/jars/spark-examples.jar", List.of("100"),
            SparkConf.of(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1",
                "spark.app.name", appName, "spark.kubernetes.namespace", namespace)),
            Optional.empty(), false);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void statusListWatchAndKillWorkOnTheSubmissionsOfAnEarlierRuntime(KubernetesTestContext ctx) throws Exception {
        KubernetesClient client = ctx.client();
        String ns = ctx.namespace();
        List<SubmissionHandle> handles = new ArrayList<>();
        try (SparkKubernetesSubmitter first = SparkKubernetesSubmitter.builder().kubernetesClient(client).build()) {
            for (String name : List.of("Nightly ETL (eu)", "to-kill", "looked-up")) {
                handles.add(join(first.submit(request(name, ns, ctx.masterUrl()))));
            }
        }
        SubmissionHandle runs = handles.get(0);
        SubmissionHandle killed = handles.get(1);
        SubmissionHandle lookedUp = handles.get(2);

        try (SparkKubernetesSubmitter second = SparkKubernetesSubmitter.builder().kubernetesClient(client)
            .recoverNamespaces(ns).build()) {
            // list: every driver pod of the namespace, with the name as submitted (not the label's form).
            assertThat(join(second.list(SubmissionFilter.all().inNamespace(ns))))
                .extracting(SubmissionStatus::submissionId, SubmissionStatus::appName, SubmissionStatus::state)
                .containsExactlyInAnyOrder(tuple(runs.submissionId(), "Nightly ETL (eu)", SubmissionState.PENDING),
                    tuple(killed.submissionId(), "to-kill", SubmissionState.PENDING),
                    tuple(lookedUp.submissionId(), "looked-up", SubmissionState.PENDING));

            // watch + states that progress as a kubelet moves the pod.
            CompletableFuture<List<SubmissionStatus>> watched = second.watch(runs.submissionId())
                .runWith(Sink.seq(), second.actorSystem()).toCompletableFuture();
            await().atMost(PATIENCE).until(() -> join(second.status(runs.submissionId())).state()
                == SubmissionState.PENDING);
            SubmissionRuntimeIT.setPhase(client, runs, "Running", null);
            await().atMost(PATIENCE).until(() -> join(second.status(runs.submissionId())).state()
                == SubmissionState.RUNNING);
            SubmissionRuntimeIT.setPhase(client, runs, "Succeeded", 0);
            List<SubmissionStatus> seen = watched.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(seen).extracting(SubmissionStatus::state).containsSubsequence(SubmissionState.PENDING,
                SubmissionState.RUNNING, SubmissionState.SUCCEEDED);
            assertThat(seen.get(seen.size() - 1).exitCode()).contains(0);

            // kill: the pod is deleted through the recovered submission.
            SubmissionStatus afterKill = join(second.kill(killed.submissionId()));
            assertThat(afterKill.state()).isEqualTo(SubmissionState.KILLED);
            await().atMost(PATIENCE).until(() -> client.pods().inNamespace(ns).withName(killed.driverPodName())
                .get() == null);
        }

        // A third runtime, told of no namespace: ids are looked up on the API server one by one.
        try (SparkKubernetesSubmitter third = SparkKubernetesSubmitter.builder().kubernetesClient(client).build()) {
            assertThat(join(third.list(SubmissionFilter.all()))).isEmpty();
            SubmissionStatus found = join(third.status(lookedUp.submissionId()));
            assertThat(found.state()).isEqualTo(SubmissionState.PENDING);
            assertThat(found.driverPodName()).isEqualTo(lookedUp.driverPodName());
            SubmissionStatus succeeded = join(third.status(runs.submissionId()));
            assertThat(succeeded.state()).isEqualTo(SubmissionState.SUCCEEDED);
            assertThat(succeeded.exitCode()).contains(0);
            // The killed one's pod is gone: the API server keeps nothing of it, so it is unknown now.
            assertThatThrownBy(() -> join(third.status(killed.submissionId())))
                .hasCauseInstanceOf(UnknownSubmissionException.class);
            SubmissionRuntimeIT.setPhase(client, lookedUp, "Running", null);
            await().atMost(PATIENCE).until(() -> join(third.status(lookedUp.submissionId())).state()
                == SubmissionState.RUNNING);
            assertThat(join(third.kill(lookedUp.submissionId())).state()).isEqualTo(SubmissionState.KILLED);
            assertThat(join(third.list(SubmissionFilter.all()))).extracting(SubmissionStatus::submissionId)
                .containsExactlyInAnyOrder(lookedUp.submissionId(), runs.submissionId());
        }
    }
}
