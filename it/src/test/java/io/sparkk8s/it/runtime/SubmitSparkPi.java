package io.sparkk8s.it.runtime;

import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The example of docs/java-api.md: submits SparkPi, prints every state change, exits 0 when the
 * driver succeeded. {@code SubmissionRuntimeIT} runs it against a real API server.
 */
public final class SubmitSparkPi {

    private SubmitSparkPi() {
    }

    /** Usage: {@code SubmitSparkPi [namespace]}; the cluster is the current kubeconfig context's. */
    public static void main(String[] args) throws Exception {
        String namespace = args.length > 0 ? args[0] : "default";
        SubmissionStatus end;
        try (SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().build()) {
            end = run(submitter, namespace, System.out);
        }
        System.exit(end.state() == SubmissionState.SUCCEEDED ? 0 : 1);
    }

    /** Submits SparkPi to {@code namespace} and follows it to its end. */
    public static SubmissionStatus run(SparkKubernetesSubmitter submitter, String namespace, PrintStream out)
        throws Exception {
        SubmissionRequest request = new SubmissionRequest(
            KubernetesMasterUrl.parse("k8s://https://kubernetes.default.svc"),
            Optional.of("org.apache.spark.examples.SparkPi"),
            "spark-pi",
            "local:///opt/spark/examples/jars/spark-examples.jar",
            List.of("1000"),
            SparkConf.of(Map.of(
                "spark.kubernetes.container.image", "apache/spark:3.5.1",
                "spark.kubernetes.namespace", namespace,
                "spark.driver.memory", "1g")),
            Optional.empty(),
            false);

        // Completes once the driver pod and its ConfigMap and Service exist.
        SubmissionHandle handle = submitter.submit(request).toCompletableFuture().get(5, TimeUnit.MINUTES);
        out.println("submitted " + handle.submissionId() + " as " + handle.namespace() + "/"
            + handle.driverPodName());

        // Every state change until the terminal one; the stream completes after it.
        return submitter.watch(handle.submissionId())
            .wireTap(status -> out.println(status))
            .runWith(Sink.last(), submitter.actorSystem())
            .toCompletableFuture().get(1, TimeUnit.HOURS);
    }
}
