package io.sparkk8s.it.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.submission.cli.SubmissionCli;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/spark-k8s} against a real API server, connecting the way users do: {@code --master}
 * plus the kubeconfig named by {@code KUBECONFIG}.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SubmissionCliIT {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(KubernetesTestContext ctx, String subcommand, String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(subcommand));
        all.addAll(List.of(args));
        // after the subcommand (and the id of kill/status): after the primary resource it is an app argument
        all.addAll(subcommand.equals("submit") ? 1 : 2, List.of("--master", "k8s://" + ctx.masterUrl()));
        return SubmissionCli.run(Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME", "/nonexistent"),
            writer(out), writer(err), all.toArray(String[]::new));
    }

    private static String[] sparkPi(KubernetesTestContext ctx, String name, String... extraConf) {
        List<String> args = new ArrayList<>(List.of("--deploy-mode", "cluster", "--name", name,
            "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1"));
        for (String conf : extraConf) {
            args.add("--conf");
            args.add(conf);
        }
        args.add("local:///opt/spark/examples/jars/spark-examples.jar");
        args.add("1000");
        return args.toArray(String[]::new);
    }

    /** The CLI's results (its own stdout: logging goes to the process's streams, not here). */
    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    }

    @Test
    void dryRunPrintsTheResourcesAndCreatesNothing(KubernetesTestContext ctx) {
        int exit = cli(ctx, "submit", concat("--dry-run", sparkPi(ctx, "dry-run-pi")));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout()).contains("kind: \"Pod\"").contains("kind: \"Service\"").contains("kind: \"ConfigMap\"")
            .contains("org.apache.spark.examples.SparkPi");
        assertThat(ctx.client().pods().inNamespace(ctx.namespace()).list().getItems()).isEmpty();
        assertThat(ctx.client().services().inNamespace(ctx.namespace()).list().getItems()).isEmpty();
        assertThat(ctx.client().configMaps().inNamespace(ctx.namespace()).list().getItems())
            .extracting(ConfigMap::getMetadata).noneMatch(m -> m.getName().startsWith("dry-run-pi"));
    }

    @Test
    void submitThenStatusAndKillByIdAndGlob(KubernetesTestContext ctx) {
        int submitted = cli(ctx, "submit", sparkPi(ctx, "spark-pi",
            "spark.kubernetes.submission.waitAppCompletion=false"));

        assertThat(submitted).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String id = stdout().trim();
        assertThat(id).startsWith(ctx.namespace() + ":spark-pi-");
        String podName = id.substring(id.indexOf(':') + 1);
        assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withName(podName).get()).isNotNull();

        assertThat(cli(ctx, "status", id)).isZero();
        assertThat(stdout()).startsWith(id + "\tPending\tspark-");
        assertThat(cli(ctx, "submit", "--status", ctx.namespace() + ":spark-*")).isZero();
        assertThat(stdout().lines()).hasSize(1).allMatch(l -> l.startsWith(id + "\t"));

        assertThat(cli(ctx, "submit", "--kill", ctx.namespace() + ":spark-pi-*")).isZero();
        assertThat(stdout().trim()).isEqualTo("killed " + id);
        await().atMost(Duration.ofSeconds(30)).until(() -> ctx.client().pods().inNamespace(ctx.namespace())
            .withName(podName).get() == null);
        assertThat(cli(ctx, "kill", id)).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--kill").contains("no driver pod matches");
    }

    @ParameterizedTest
    @CsvSource({"Succeeded, 0", "Failed, 1"})
    void submitWaitsForTheDriverAndExitsWithItsOutcome(String phase, int expectedExit, KubernetesTestContext ctx)
        throws Exception {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli(ctx, "submit", sparkPi(ctx,
            "waited", "spark.kubernetes.report.interval=200ms")));
        Pod pod = await().atMost(Duration.ofSeconds(30)).until(() -> ctx.client().pods()
            .inNamespace(ctx.namespace()).list().getItems().stream().findFirst().orElse(null), p -> p != null);

        ctx.client().pods().inNamespace(ctx.namespace()).resource(new PodBuilder(pod).editOrNewStatus()
            .withPhase("Running").endStatus().build()).updateStatus();
        Pod running = ctx.client().pods().inNamespace(ctx.namespace()).withName(pod.getMetadata().getName()).get();
        ctx.client().pods().inNamespace(ctx.namespace()).resource(new PodBuilder(running).editOrNewStatus()
            .withPhase(phase).endStatus().build()).updateStatus();

        assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8))
            .isEqualTo(expectedExit);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("phase: " + phase);
    }

    @Test
    void anUnreachableApiServerIsAClusterError(KubernetesTestContext ctx) {
        out.reset();
        err.reset();
        List<String> args = new ArrayList<>(List.of("submit", "--master", "k8s://https://127.0.0.1:1"));
        args.addAll(List.of(sparkPi(ctx, "nowhere", "spark.kubernetes.submission.connectionTimeout=2000")));

        int exit = SubmissionCli.run(Map.of("HOME", "/nonexistent"), writer(out), writer(err),
            args.toArray(String[]::new));

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Error: creating Pod");
    }

    private static String[] concat(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
