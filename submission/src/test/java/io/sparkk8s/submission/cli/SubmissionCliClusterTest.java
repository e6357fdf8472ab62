package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CLI end to end against fabric8's CRUD API server over loopback HTTP: connection from
 * {@code --master}, submit, status and kill by id and glob. The real API server runs the same in
 * it/ (SubmissionCliIT).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SubmissionCliClusterTest {

    KubernetesClient client;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        // after the subcommand (and the id of kill/status): after the primary resource it would be an app argument
        all.addAll(args[0].equals("submit") ? 1 : 2, List.of("--master",
            "k8s://" + client.getMasterUrl().toString().replaceAll("/$", "")));
        return SubmissionCli.run(Map.of("HOME", "/nonexistent"), writer(out), writer(err), all.toArray(String[]::new));
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void submitsThenReportsAndKillsByIdAndGlob() {
        int submitted = cli("submit", "--deploy-mode", "cluster", "--name", "spark-pi",
            "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=jobs",
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/spark/examples/jars/spark-examples.jar");

        assertThat(submitted).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String id = stdout().trim();
        assertThat(id).startsWith("jobs:spark-pi-").endsWith("-driver");
        Pod pod = client.pods().inNamespace("jobs").withName(id.substring("jobs:".length())).get();
        assertThat(pod).isNotNull();
        client.pods().inNamespace("jobs").resource(new PodBuilder(pod).editOrNewStatus().withPhase("Running")
            .endStatus().build()).updateStatus();

        assertThat(cli("status", id)).isZero();
        assertThat(stdout()).startsWith(id + "\tRunning\tspark-");
        assertThat(cli("submit", "--status", "jobs:spark-pi-*")).isZero();
        assertThat(stdout()).startsWith(id + "\tRunning");

        assertThat(cli("kill", "jobs:spark-*")).isZero();
        assertThat(stdout()).isEqualTo("killed " + id + System.lineSeparator());
        assertThat(client.pods().inNamespace("jobs").list().getItems()).isEmpty();
        assertThat(cli("submit", "--kill", id)).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--kill").contains("no driver pod matches");
    }

    @Test
    void theCliProcessWritesOnlyResultsToStdoutAndItsLogsToStderr() throws Exception {
        // without test-classes, so that no logback-test.xml hides what the CLI's main configures
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path")
            .split(java.io.File.pathSeparator)).filter(e -> !e.endsWith("test-classes"))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        assertThat(classpath).contains("classes");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classpath, SubmissionCli.class.getName(), "submit",
            "--master", "k8s://" + client.getMasterUrl().toString().replaceAll("/$", ""),
            "--deploy-mode", "cluster", "--name", "spark-pi", "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=jobs",
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/spark/examples/jars/spark-examples.jar")
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        java.util.concurrent.CompletableFuture<String> stderr = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(stderr.get()).isZero();
        assertThat(stdout.lines()).singleElement()
            .satisfies(l -> assertThat(l).matches("jobs:spark-pi-[0-9a-f]+-driver"));
        assertThat(stderr.get()).contains("KubernetesResourceCreator").contains("created pod jobs/spark-pi-");
    }
}
