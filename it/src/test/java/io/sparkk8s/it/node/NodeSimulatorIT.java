package io.sparkk8s.it.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The node simulator against the real API server, running the real init-container from the build output. */
@ExtendWith(KubernetesApiServerExtension.class)
class NodeSimulatorIT {

    static final String INIT_IMAGE = "spark-k8s-init:it";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    private HttpServer http;
    private NodeSimulator node;

    /** The init-container image, as the build lays out its context: run its entrypoint from there. */
    static LocalImage initImage() {
        Path entrypoint = Path.of("..", "init", "target", "image", "bin", "spark-k8s-init").toAbsolutePath()
            .normalize();
        assertThat(entrypoint).as("init/target/image is built by `./mvnw -pl it -am verify`").isRegularFile();
        return new LocalImage("spark-k8s-init:*", List.of("sh", entrypoint.toString()));
    }

    @BeforeEach
    void start(KubernetesTestContext ctx) throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/deps/data.txt", exchange -> {
            byte[] body = "remote data".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        node = NodeSimulator.start(ctx.client(), ctx.namespace(), work, initImage(),
            new LocalImage("busybox:*", List.of("sh", "-c")));
    }

    @AfterEach
    void stop() {
        node.close();
        http.stop(0);
    }

    private String uri(String path) {
        return "http://localhost:" + http.getAddress().getPort() + path;
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .withRestartPolicy("Never")
            .addNewInitContainer().withName("spark-init").withImage(INIT_IMAGE)
                .withArgs("init", "--properties-file", "/etc/spark-init/spark-init.properties")
                .addNewVolumeMount().withName("init-properties").withMountPath("/etc/spark-init").endVolumeMount()
                .addNewVolumeMount().withName("files").withMountPath("/var/spark-data/spark-files").endVolumeMount()
            .endInitContainer()
            .addNewInitContainer().withName("copy-token").withImage("busybox:1.36").withCommand("sh", "-c")
                .withArgs("cat /mnt/token/token > /var/spark-data/spark-files/copied-token")
                .addNewVolumeMount().withName("token").withMountPath("/mnt/token").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("files").withMountPath("/var/spark-data/spark-files").endVolumeMount()
            .endInitContainer()
            .addNewContainer().withName("driver").withImage("apache/spark:3.5.1")
                .addNewVolumeMount().withName("files").withMountPath("/var/spark-data/spark-files").endVolumeMount()
            .endContainer()
            .addNewVolume().withName("init-properties").withNewConfigMap().withName(name + "-init")
                .endConfigMap().endVolume()
            .addNewVolume().withName("token").withNewSecret().withSecretName(name + "-token").endSecret().endVolume()
            .addNewVolume().withName("files").withNewEmptyDir().endEmptyDir().endVolume()
            .endSpec().build();
    }

    /** Creates the pod first and its ConfigMap and Secret after it, in the order the submission client does. */
    private void submit(KubernetesTestContext ctx, String name, String remoteFiles) {
        ctx.client().pods().inNamespace(ctx.namespace()).resource(pod(name)).create();
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(new ConfigMapBuilder()
            .withNewMetadata().withName(name + "-init").endMetadata()
            .addToData("spark-init.properties", "spark.kubernetes.mountdependencies.filesDownloadDir="
                + "/var/spark-data/spark-files\nspark.kubernetes.mountdependencies.jarsDownloadDir="
                + "/var/spark-data/spark-files/jars\nspark.kubernetes.initcontainer.remoteFiles=" + remoteFiles + "\n")
            .build()).create();
        ctx.client().secrets().inNamespace(ctx.namespace()).resource(new SecretBuilder()
            .withNewMetadata().withName(name + "-token").endMetadata()
            .addToStringData("token", "secret-token-value").build()).create();
    }

    private Pod awaitPhase(KubernetesTestContext ctx, String name, String phase) {
        await().atMost(WAIT).until(() -> {
            Pod p = ctx.client().pods().inNamespace(ctx.namespace()).withName(name).get();
            return p.getStatus() != null && phase.equals(p.getStatus().getPhase());
        });
        return ctx.client().pods().inNamespace(ctx.namespace()).withName(name).get();
    }

    @Test
    void runsTheInitContainersForRealWithTheirVolumesAndThePodGoesPendingRunningSucceeded(KubernetesTestContext ctx)
        throws Exception {
        List<String> phases = new CopyOnWriteArrayList<>();
        try (Watch watch = ctx.client().pods().inNamespace(ctx.namespace()).withName("ok").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (pod.getStatus() != null && pod.getStatus().getPhase() != null
                    && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(pod.getStatus().getPhase()))) {
                    phases.add(pod.getStatus().getPhase());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            submit(ctx, "ok", uri("/deps/data.txt"));

            Pod pod = awaitPhase(ctx, "ok", "Succeeded");

            assertThat(phases).containsSubsequence("Pending", "Running", "Succeeded");
            assertThat(pod.getStatus().getInitContainerStatuses()).extracting(ContainerStatus::getName)
                .containsExactly("spark-init", "copy-token");
            assertThat(pod.getStatus().getInitContainerStatuses()).allSatisfy(s -> {
                assertThat(s.getState().getTerminated().getExitCode()).isZero();
                assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed");
            });
            assertThat(pod.getStatus().getContainerStatuses()).singleElement()
                .satisfies(s -> assertThat(s.getState().getTerminated().getExitCode()).isZero());
            Path files = node.volumeDirectory("ok", "files").orElseThrow();
            assertThat(files.resolve("data.txt")).hasContent("remote data");
            assertThat(files.resolve("copied-token")).hasContent("secret-token-value");
        }
    }

    @Test
    void aFailingInitContainerFailsThePodWithItsExitCodeAndAMessageNamingTheCause(KubernetesTestContext ctx)
        throws Exception {
        String missing = uri("/deps/missing.txt");

        submit(ctx, "broken", missing);
        Pod pod = awaitPhase(ctx, "broken", "Failed");

        ContainerStatus init = pod.getStatus().getInitContainerStatuses().get(0);
        assertThat(init.getState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(init.getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(init.getState().getTerminated().getMessage()).contains("failed to localize " + missing
            + ": HTTP 404");
        assertThat(pod.getStatus().getInitContainerStatuses().get(1).getState().getWaiting().getReason())
            .as("the next init-container never ran").isEqualTo("PodInitializing");
        assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
            .isEqualTo("PodInitializing");
        assertThat(node.volumeDirectory("broken", "files").orElseThrow().resolve("copied-token")).doesNotExist();
        assertThat(node.volumeDirectory("broken", "files").orElseThrow().resolve("jars"))
            .as("container paths are translated to the volume's host directory").isDirectory();
    }
}
