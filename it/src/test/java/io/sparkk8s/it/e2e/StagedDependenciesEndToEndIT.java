package io.sparkk8s.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.it.node.LocalImage;
import io.sparkk8s.it.node.NodeSimulator;
import io.sparkk8s.staging.store.BundleEntry;
import io.sparkk8s.staging.store.BundleState;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.submission.cli.SubmissionCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local dependencies through the whole loop: {@code spark-k8s submit} with local jars and files
 * stages them (the stager the CLI finds through ServiceLoader) on the real staging server, which runs
 * with owner cleanup against the real API server; the node simulator runs the real init-container,
 * which localizes them; the pod succeeds and the CLI exits 0; deleting the driver pod deletes the
 * bundles.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StagedDependenciesEndToEndIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static ActorSystem<Void> system;

    @TempDir
    Path work;

    private ResourceStagingServer staging;
    private URI stagingUri;
    private NodeSimulator node;
    private String stderr = "";

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "staged-deps-e2e");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start(KubernetesTestContext ctx) throws Exception {
        StagingServerSettings settings = StagingServerSettings.fromConfig(CONFIG).withBinding("127.0.0.1", 0)
            .withStoreRoot(work.resolve("store"));
        LocalDiskBlobStore store = LocalDiskBlobStore.open(settings.storeRoot(), system.dispatchers().lookup(
            DispatcherSelector.blocking()), Materializer.matFromSystem(system));
        staging = ResourceStagingServer.start(system, settings, store, Clock.systemUTC(), ctx.client(), CONFIG)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        Path entrypoint = Path.of("..", "init", "target", "image", "bin", "spark-k8s-init").toAbsolutePath()
            .normalize();
        node = NodeSimulator.start(ctx.client(), ctx.namespace(), work.resolve("node"),
            new LocalImage("spark-k8s-init:*", List.of("sh", entrypoint.toString())));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        staging.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void localJarsAndFilesAreStagedLocalizedAndTheirBundlesDeletedWithTheDriverPod(KubernetesTestContext ctx)
        throws Exception {
        Path jar = Files.writeString(work.resolve("app-lib.jar"), "local jar bytes");
        Path file = Files.writeString(work.resolve("lookup.csv"), "a,b\n");

        int exit = submit(ctx, "--jars", jar.toString(), "--files", file.toString(),
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri);

        assertThat(exit).as(stderr).isZero();
        Pod driver = ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list()
            .getItems().get(0);
        String pod = driver.getMetadata().getName();
        assertThat(driver.getStatus().getPhase()).isEqualTo("Succeeded");
        Path jars = node.volumeDirectory(pod, "download-jars-volume").orElseThrow();
        Path files = node.volumeDirectory(pod, "download-files-volume").orElseThrow();
        assertThat(jars.resolve("app-lib.jar")).hasContent("local jar bytes");
        assertThat(files.resolve("lookup.csv")).hasContent("a,b\n");
        List<BundleEntry> bundles = staging.store().list().toCompletableFuture().get();
        assertThat(bundles).as("one bundle for jars, one for files").hasSize(2)
            .allSatisfy(b -> {
                assertThat(b.state()).isEqualTo(BundleState.USED);
                assertThat(b.owner().ownerNamespace()).isEqualTo(ctx.namespace());
                assertThat(driver.getMetadata().getLabels()).containsAllEntriesOf(b.owner().ownerLabels());
            });

        ctx.client().pods().inNamespace(ctx.namespace()).withName(pod).withGracePeriod(0).delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> staging.store().list().toCompletableFuture().get()
            .isEmpty());
        assertThat(staging.ownerCleanup().orElseThrow().metrics().snapshot().deletions())
            .containsEntry(DeletionReason.OWNER_DELETED, 2L);
        try (var blobs = Files.list(work.resolve("store").resolve("blobs"))) {
            assertThat(blobs.toList()).as("no blob left on disk").isEmpty();
        }
    }

    @Test
    void aSubmissionTheApiServerRefusesAfterStagingLeavesNoBundleBehind(KubernetesTestContext ctx)
        throws Exception {
        // Someone else's pod holds the driver pod's name: the API server refuses ours after staging.
        ctx.client().pods().inNamespace(ctx.namespace()).resource(new PodBuilder().withNewMetadata()
            .withName("taken").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox")
            .endContainer().endSpec().build()).create();
        Path jar = Files.writeString(work.resolve("app-lib.jar"), "local jar bytes");

        int exit = submit(ctx, "--jars", jar.toString(), "--conf", "spark.kubernetes.driver.pod.name=taken",
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri);

        assertThat(exit).as(stderr).isEqualTo(3);
        assertThat(stderr).contains("taken");
        assertThat(staging.store().list().toCompletableFuture().get()).as("staged bundles of the failed"
            + " submission").isEmpty();
        assertThat(ctx.client().pods().inNamespace(ctx.namespace()).list().getItems())
            .extracting(p -> p.getMetadata().getName()).containsExactly("taken");
        assertThat(ctx.client().configMaps().inNamespace(ctx.namespace()).withLabel("spark-app-selector").list()
            .getItems()).isEmpty();
    }

    private int submit(KubernetesTestContext ctx, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("submit", "--master", "k8s://" + ctx.masterUrl(),
            "--deploy-mode", "cluster", "--name", "staged-deps", "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.initContainer.image=spark-k8s-init:e2e",
            "--conf", "spark.kubernetes.report.interval=200ms"));
        args.addAll(List.of(extra));
        args.add("local:///opt/spark/examples/jars/spark-examples.jar");
        StringWriter err = new StringWriter();
        try {
            return SubmissionCli.run(Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME", "/nonexistent"),
                new PrintWriter(new StringWriter()), new PrintWriter(err, true), args.toArray(String[]::new));
        } finally {
            stderr = err.toString();
        }
    }
}
