package io.sparkk8s.http.daemon;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.staging.BulkTransferTuning;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/spark-k8s daemon}: the long-running REST submission service. It talks to the cluster of
 * its kubeconfig, or of its pod's service account when it runs in the cluster.
 */
@Command(name = "spark-k8s daemon", mixinStandardHelpOptions = true,
    description = "Run the submission daemon: REST over the Java API (see docs/daemon.md).",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped normally", "2:bad usage or settings", "3:could not reach the cluster or bind"})
public final class SubmissionDaemonMain implements Callable<Integer> {

    @Option(names = "--host", description = "Address to listen on (default: bind-address, 0.0.0.0).")
    private String host;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: port, 10001).")
    private Integer port;

    @Option(names = "--tokens-file", description = "Bearer tokens file: '<token> <namespace>[,<namespace>...]'"
        + " per line, '*' for every namespace (default: tokens-file, /etc/spark-k8s-daemon/tokens).")
    private Path tokensFile;

    /** Starts the daemon; the JVM keeps running until it is terminated. */
    public static void main(String[] args) {
        int exit = new CommandLine(new SubmissionDaemonMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        // The daemon streams multipart uploads through to the staging server: the same TCP tuning.
        Config config = BulkTransferTuning.load(SubmissionDaemonMain.class.getClassLoader());
        DaemonSettings settings;
        UploadSettings uploads;
        ReloadingTokens tokens;
        try {
            settings = DaemonSettings.fromConfig(config);
            uploads = UploadSettings.fromConfig(config);
            if (port != null && (port < 0 || port > 65535)) {
                System.err.println("spark-k8s daemon: --port: " + port + " is not a port; use 0..65535");
                return 2;
            }
            settings = settings.withBinding(host != null ? host : settings.bindAddress(),
                port != null ? port : settings.port());
            if (tokensFile != null) {
                settings = settings.withTokensFile(tokensFile);
            }
            tokens = new ReloadingTokens(settings.tokensFile());
        } catch (IllegalArgumentException | UncheckedIOException | com.typesafe.config.ConfigException e) {
            System.err.println("spark-k8s daemon: " + e.getMessage());
            return 2;
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "submission-daemon", config);
        KubernetesClient client = new KubernetesClientBuilder().build();
        SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().actorSystem(system)
            .kubernetesClient(client).build();
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        DaemonMetrics metrics = new DaemonMetrics();
        KubernetesSubmissionBackend backend = new KubernetesSubmissionBackend(submitter, client, blocking,
            settings.eventsPollInterval(), metrics);
        SubmissionDaemon daemon;
        try {
            daemon = SubmissionDaemon.start(system, settings, java.util.Optional.of(uploads), backend,
                new SubmissionTranslator("k8s://" + client.getMasterUrl()), tokens, metrics)
                .toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("spark-k8s daemon: cannot start: " + e.getCause().getMessage());
            backend.close();
            submitter.close();
            client.close();
            system.terminate();
            return 3;
        }
        SubmissionDaemon running = daemon;
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "daemon-unbind",
            () -> running.stop().thenApply(stopped -> Done.getInstance()));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "daemon-submitter",
            () -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                backend.close();
                submitter.close();
                client.close();
                return Done.getInstance();
            }, blocking));
        return 0;
    }
}
