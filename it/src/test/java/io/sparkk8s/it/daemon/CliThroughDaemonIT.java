package io.sparkk8s.it.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.http.daemon.BearerTokens;
import io.sparkk8s.http.daemon.DaemonMetrics;
import io.sparkk8s.http.daemon.DaemonSettings;
import io.sparkk8s.http.daemon.KubernetesSubmissionBackend;
import io.sparkk8s.http.daemon.SubmissionDaemon;
import io.sparkk8s.http.daemon.SubmissionTranslator;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.submission.cli.SubmissionCli;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's {@code --daemon} against a real daemon on a loopback port and the real API server: what the
 * CLI submits through the daemon the direct CLI sees in {@code status} and vice versa, a kill through
 * the daemon deletes the driver pod, and a token the daemon does not know is an API error naming the
 * token file.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class CliThroughDaemonIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "cli-daemon-it");
    private static final String TOKEN = "cli-it-token-7d2e";

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    /** A CLI run: exit code and what it wrote. */
    private record Run(int exit, String out, String err) {
    }

    private static Run cli(KubernetesTestContext ctx, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SubmissionCli.run(Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME", "/nonexistent"),
            writer(out), writer(err), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    }

    private static List<String> submitArgs(KubernetesTestContext ctx, String name, String... connection) {
        List<String> args = new ArrayList<>(List.of("submit"));
        args.addAll(List.of(connection));
        args.addAll(List.of("--name", name, "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/spark/examples/jars/spark-examples.jar", "100"));
        return args;
    }

    @Test
    void submissionsStatusAndKillsCrossBetweenTheDaemonAndTheDirectCli(KubernetesTestContext ctx) throws Exception {
        SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().actorSystem(SYSTEM)
            .kubernetesClient(ctx.client()).build();
        DaemonMetrics metrics = new DaemonMetrics();
        SubmissionDaemon daemon = SubmissionDaemon.start(SYSTEM, DaemonSettings.fromConfig(SYSTEM.settings().config())
                .withBinding("127.0.0.1", 0),
            new KubernetesSubmissionBackend(submitter, ctx.client(),
                SYSTEM.dispatchers().lookup(DispatcherSelector.blocking()), Duration.ofMillis(500), metrics),
            new SubmissionTranslator("k8s://" + ctx.masterUrl()),
            () -> BearerTokens.parse(List.of(TOKEN + " " + ctx.namespace()), "test"), metrics)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            String url = "http://127.0.0.1:" + daemon.binding().localAddress().getPort();
            String tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n").toString();
            String[] viaDaemon = {"--daemon", url, "--daemon-token-file", tokenFile};
            String[] direct = {"--master", "k8s://" + ctx.masterUrl()};

            // submitted through the daemon (no --master), seen by the direct CLI
            Run submitted = cli(ctx, submitArgs(ctx, "via-daemon", viaDaemon).toArray(String[]::new));
            assertThat(submitted.exit()).as(submitted.err()).isZero();
            String daemonsId = submitted.out().strip();
            assertThat(daemonsId).startsWith(ctx.namespace() + ":via-daemon-").endsWith("-driver");
            var pod = ctx.client().pods().inNamespace(ctx.namespace())
                .withName(daemonsId.substring(ctx.namespace().length() + 1)).get();
            assertThat(pod.getSpec().getContainers().get(0).getArgs()).contains("100");
            Run directStatus = cli(ctx, "status", daemonsId, direct[0], direct[1]);
            assertThat(directStatus.exit()).as(directStatus.err()).isZero();
            assertThat(directStatus.out()).startsWith(daemonsId + "\tPending\t"
                + pod.getMetadata().getLabels().get("spark-app-selector") + "\t");

            // submitted directly, seen through the daemon
            Run directSubmit = cli(ctx, submitArgs(ctx, "direct", direct).toArray(String[]::new));
            assertThat(directSubmit.exit()).as(directSubmit.err()).isZero();
            String directId = directSubmit.out().strip();
            Run daemonStatus = cli(ctx, "status", directId, viaDaemon[0], viaDaemon[1], viaDaemon[2], viaDaemon[3]);
            assertThat(daemonStatus.exit()).as(daemonStatus.err()).isZero();
            assertThat(daemonStatus.out()).startsWith(directId + "\tPending\tspark-");
            Run globStatus = cli(ctx, "status", ctx.namespace() + ":*", viaDaemon[0], viaDaemon[1], viaDaemon[2],
                viaDaemon[3]);
            assertThat(globStatus.out().lines().map(l -> l.split("\t")[0]).toList())
                .containsExactly(directId, daemonsId);

            // killed through the daemon: the pod made directly goes, the other stays
            Run killed = cli(ctx, "kill", directId, viaDaemon[0], viaDaemon[1], viaDaemon[2], viaDaemon[3]);
            assertThat(killed.exit()).as(killed.err()).isZero();
            assertThat(killed.out()).isEqualTo("killed " + directId + System.lineSeparator());
            await().atMost(Duration.ofSeconds(30)).until(() -> ctx.client().pods().inNamespace(ctx.namespace())
                .withName(directId.substring(ctx.namespace().length() + 1)).get() == null);
            Run gone = cli(ctx, "status", directId, direct[0], direct[1]);
            assertThat(gone.exit()).isEqualTo(SubmissionCli.EXIT_USAGE);
            assertThat(gone.err()).contains("no driver pod matches");
            assertThat(cli(ctx, "status", daemonsId, direct[0], direct[1]).exit()).isZero();

            // a token the daemon does not know
            String wrong = Files.writeString(dir.resolve("wrong"), "not-the-token").toString();
            Run refused = cli(ctx, "status", daemonsId, "--daemon", url, "--daemon-token-file", wrong);
            assertThat(refused.exit()).isEqualTo(SubmissionCli.EXIT_CLUSTER);
            assertThat(refused.err()).contains("did not accept the token in --daemon-token-file " + wrong + " (401)");
            Run refusedSubmit = cli(ctx, submitArgs(ctx, "refused", "--daemon", url, "--daemon-token-file", wrong)
                .toArray(String[]::new));
            assertThat(refusedSubmit.exit()).isEqualTo(SubmissionCli.EXIT_CLUSTER);

            // a local dependency is refused before anything is sent
            Path jar = Files.writeString(dir.resolve("dep.jar"), "x");
            List<String> withLocalJar = submitArgs(ctx, "local-jar", viaDaemon);
            withLocalJar.addAll(1, List.of("--jars", jar.toString()));
            Run local = cli(ctx, withLocalJar.toArray(String[]::new));
            assertThat(local.exit()).isEqualTo(SubmissionCli.EXIT_USAGE);
            assertThat(local.err()).contains("--jars: '" + jar + "' is a file on this machine");
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
                .getItems()).hasSize(1);
        } finally {
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            submitter.close();
        }
    }
}
