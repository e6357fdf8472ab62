package io.sparkk8s.http.staging;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/spark-k8s staging-server}: runs the resource staging server until the process is stopped. */
@Command(name = "spark-k8s staging-server", mixinStandardHelpOptions = true,
    description = "Run the resource staging server (stores uploaded dependency bundles for submissions).")
public final class ResourceStagingServerMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceStagingServerMain.class);

    /** The original design's default port. */
    public static final int DEFAULT_PORT = 10000;

    @Option(names = "--host", defaultValue = "0.0.0.0",
        description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT,
        description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    /** Starts the server; the JVM keeps running until it is terminated. */
    public static void main(String[] args) {
        int exit = new CommandLine(new ResourceStagingServerMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--port: " + port + " is not a port; use 0..65535");
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "resource-staging-server");
        ServerBinding binding = bind(system, host, port).toCompletableFuture().get();
        LOG.info("resource staging server listening on {}", binding.localAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            binding.unbind();
            system.terminate();
        }, "staging-server-shutdown"));
        return 0;
    }

    /** Binds the staging routes on {@code host:port}. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port) {
        return Http.get(system).newServerAt(host, port).bind(ResourceStagingRoutes.routes());
    }
}
