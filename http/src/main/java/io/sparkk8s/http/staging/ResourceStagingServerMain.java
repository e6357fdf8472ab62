package io.sparkk8s.http.staging;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.staging.BulkTransferTuning;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/spark-k8s staging-server}: runs the resource staging server until the process is
 * stopped. Settings come from {@code spark-k8s.staging-server} (reference.conf, application.conf,
 * {@code -D} system properties, the environment variables named in reference.conf); the options
 * below override them.
 */
@Command(name = "spark-k8s staging-server", mixinStandardHelpOptions = true,
    description = "Run the resource staging server (stores uploaded dependency bundles for submissions).",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped normally", "2:bad usage or settings", "3:could not open the store or bind"})
public final class ResourceStagingServerMain implements Callable<Integer> {

    /** The original design's default port. */
    public static final int DEFAULT_PORT = 10000;

    private static final Logger LOG = LoggerFactory.getLogger(ResourceStagingServerMain.class);

    @Option(names = "--host", description = "Address to listen on (default: bind-address, 0.0.0.0).")
    private String host;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: port, "
        + DEFAULT_PORT + ").")
    private Integer port;

    @Option(names = "--store-root", description = "Directory of the blob store (default: store-root,"
        + " /var/spark-staging).")
    private Path storeRoot;

    /** Starts the server; the JVM keeps running until it is terminated. */
    public static void main(String[] args) {
        int exit = new CommandLine(new ResourceStagingServerMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        StagingServerSettings settings;
        com.typesafe.config.Config config;
        boolean ownerCleanup;
        try {
            config = BulkTransferTuning.load(ResourceStagingServerMain.class.getClassLoader());
            settings = StagingServerSettings.fromConfig(config);
            ownerCleanup = OwnerCleanup.enabled(config);
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            System.err.println("spark-k8s staging-server: " + e.getMessage());
            return 2;
        }
        if (port != null && (port < 0 || port > 65535)) {
            System.err.println("spark-k8s staging-server: --port: " + port + " is not a port; use 0..65535");
            return 2;
        }
        settings = settings.withBinding(host != null ? host : settings.bindAddress(),
            port != null ? port : settings.port());
        if (storeRoot != null) {
            settings = settings.withStoreRoot(storeRoot);
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "resource-staging-server", config);
        ResourceStagingServer server;
        // One client per process, from kubeconfig or the pod's service account; only with owner cleanup.
        KubernetesClient kubernetes = ownerCleanup ? new KubernetesClientBuilder().build() : null;
        try {
            if (kubernetes != null) {
                LOG.info("owner cleanup on: watching bundle owners through the API server at {}",
                    kubernetes.getMasterUrl());
                java.util.concurrent.Executor storeIo = system.dispatchers().lookup(
                    DispatcherSelector.fromConfig(StagingServerSettings.PATH + ".store-dispatcher"));
                server = ResourceStagingServer.start(system, settings, LocalDiskBlobStore.open(settings.storeRoot(),
                    storeIo, Materializer.matFromSystem(system)), Clock.systemUTC(), kubernetes, config)
                    .toCompletableFuture().get();
            } else {
                LOG.info("owner cleanup off ({} = false): used bundles are kept until deleted through the API",
                    OwnerCleanup.ENABLED);
                server = ResourceStagingServer.start(system, settings).toCompletableFuture().get();
            }
        } catch (java.io.IOException | java.util.concurrent.ExecutionException e) {
            System.err.println("spark-k8s staging-server: cannot start: " + e.getMessage());
            if (kubernetes != null) {
                kubernetes.close();
            }
            system.terminate();
            return 3;
        }
        ResourceStagingServer running = server;
        // Pekko's own JVM shutdown hook runs CoordinatedShutdown: stop taking requests in its unbind phase.
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "staging-server-unbind",
            () -> running.stop().thenApply(stopped -> Done.getInstance()));
        if (kubernetes != null) {
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                "staging-server-kubernetes-client", () -> {
                    kubernetes.close();
                    return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
                });
        }
        return 0;
    }
}
