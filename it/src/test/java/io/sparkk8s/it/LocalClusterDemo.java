package io.sparkk8s.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.node.LocalImage;
import io.sparkk8s.it.node.NodeSimulator;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.submission.cli.SubmissionCli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.awaitility.Awaitility;

/**
 * {@code bin/spark-k8s demo}: the whole loop on this machine, with real parts — etcd, kube-apiserver
 * and kube-controller-manager built from source, the resource staging server with owner cleanup,
 * and the node simulator running the real init-container — then {@code spark-k8s submit} of the
 * Spark Pi example with a local jar and file. It prints what each stage did and exits with the
 * CLI's exit code. Extra arguments are passed to {@code submit} before the primary resource.
 */
public final class LocalClusterDemo {

    private static final String NAMESPACE = "spark-demo";

    private LocalClusterDemo() {
    }

    /** Runs the demo; the repository root is {@code sparkk8s.demo.root} (default: the working directory). */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("sparkk8s.demo.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("spark-k8s-demo-");
        PrintStream out = System.out;
        Config config = ConfigFactory.load();
        step(out, "starting etcd, kube-apiserver and kube-controller-manager");
        int exit;
        try (KubernetesApiServerExtension.ControlPlane plane = KubernetesApiServerExtension.ControlPlane.start(
            "demo", new String[0])) {
            plane.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).serverSideApply();
            ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "spark-k8s-demo");
            try {
                StagingServerSettings settings = StagingServerSettings.fromConfig(config)
                    .withBinding("127.0.0.1", 0).withStoreRoot(work.resolve("store"));
                LocalDiskBlobStore store = LocalDiskBlobStore.open(settings.storeRoot(),
                    system.dispatchers().lookup(DispatcherSelector.blocking()), Materializer.matFromSystem(system));
                ResourceStagingServer staging = ResourceStagingServer.start(system, settings, store,
                    Clock.systemUTC(), plane.client(), config).toCompletableFuture().get(60, TimeUnit.SECONDS);
                String stagingUri = "http://127.0.0.1:" + staging.binding().localAddress().getPort();
                step(out, "API server " + plane.masterUrl() + ", staging server " + stagingUri);
                Path entrypoint = root.resolve("init/target/image/bin/spark-k8s-init");
                try (NodeSimulator node = NodeSimulator.start(plane.client(), NAMESPACE, work.resolve("node"),
                    new LocalImage("spark-k8s-init:*", List.of("sh", entrypoint.toString())))) {
                    exit = submit(out, plane, stagingUri, work, args);
                    report(out, plane, node, staging);
                    staging.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            } finally {
                system.terminate();
            }
        }
        step(out, "done: submit exited with " + exit + "; everything stopped");
        System.exit(exit);
    }

    private static int submit(PrintStream out, KubernetesApiServerExtension.ControlPlane plane, String stagingUri,
        Path work, String[] extra) throws IOException {
        Path jar = Files.writeString(work.resolve("my-udfs.jar"), "stands for a local jar");
        Path file = Files.writeString(work.resolve("lookup.csv"), "country,code\nFrance,FR\n");
        List<String> args = new ArrayList<>(List.of("submit", "--master", "k8s://" + plane.masterUrl(),
            "--deploy-mode", "cluster", "--name", "spark-pi", "--class", "org.apache.spark.examples.SparkPi",
            "--jars", jar.toString(), "--files", file.toString(),
            "--conf", "spark.kubernetes.namespace=" + NAMESPACE,
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.3",
            "--conf", "spark.kubernetes.initContainer.image=spark-k8s-init:demo",
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri,
            "--conf", "spark.kubernetes.report.interval=500ms"));
        args.addAll(List.of(extra));
        args.add("local:///opt/spark/examples/jars/spark-examples.jar");
        args.add("100");
        step(out, "spark-k8s " + String.join(" ", args));
        return SubmissionCli.run(Map.of("KUBECONFIG", plane.kubeconfig().toString(), "HOME", work.toString()),
            args.toArray(String[]::new));
    }

    private static void report(PrintStream out, KubernetesApiServerExtension.ControlPlane plane, NodeSimulator node,
        ResourceStagingServer staging) throws Exception {
        List<Pod> drivers = plane.client().pods().inNamespace(NAMESPACE).withLabel("spark-role", "driver").list()
            .getItems();
        for (Pod driver : drivers) {
            String pod = driver.getMetadata().getName();
            step(out, "driver pod " + pod + ": " + driver.getStatus().getPhase());
            for (String volume : List.of("download-jars-volume", "download-files-volume")) {
                node.volumeDirectory(pod, volume).ifPresent(dir -> listFiles(out, volume, dir));
            }
            step(out, "staged bundles before deleting the pod: " + staging.store().list().toCompletableFuture()
                .get().size());
            plane.client().pods().inNamespace(NAMESPACE).withName(pod).withGracePeriod(0).delete();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> staging.store().list()
                .toCompletableFuture().get().isEmpty());
            step(out, "driver pod deleted: the staging server's owner cleanup deleted its bundles");
        }
    }

    private static void listFiles(PrintStream out, String volume, Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    out.println("      " + volume + "/" + f.getFileName() + ": "
                        + Files.readString(f, StandardCharsets.UTF_8).lines().findFirst().orElse(""));
                } catch (IOException e) {
                    out.println("      " + volume + "/" + f.getFileName() + " (unreadable: " + e + ")");
                }
            });
        } catch (IOException e) {
            out.println("      " + volume + ": " + e);
        }
    }

    private static void step(PrintStream out, String message) {
        out.println("[demo] " + message);
    }
}
