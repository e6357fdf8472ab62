package io.sparkk8s.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.it.node.LocalImage;
import io.sparkk8s.it.node.NodeSimulator;
import io.sparkk8s.staging.client.HttpResourceStager;
import io.sparkk8s.staging.client.ProgressListener;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.submission.cli.SubmissionCli;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import io.sparkk8s.submission.steps.DependencyResolutionStep;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The localize loop end to end: the real API server, the real resource staging server, the node
 * simulator running the real init-container (from the build output of its image), and the CLI.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class InitContainerEndToEndIT {

    private static final String INIT_IMAGE = "spark-k8s-init:e2e";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path storeRoot;

    private static ActorSystem<Void> system;
    private static ResourceStagingServer staging;
    private static URI stagingUri;
    private static HttpServer remote;

    @TempDir
    Path work;

    private NodeSimulator node;

    @BeforeAll
    static void startServers() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "init-e2e");
        staging = ResourceStagingServer.start(system, StagingServerSettings.fromConfig(ConfigFactory.load())
            .withBinding("127.0.0.1", 0).withStoreRoot(storeRoot)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        remote = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        remote.setExecutor(Executors.newCachedThreadPool());
        serve("/deps/remote-lib.jar", "remote jar bytes");
        serve("/deps/remote-data.txt", "remote,data\n");
        remote.start();
    }

    private static void serve(String path, String content) {
        remote.createContext(path, exchange -> {
            byte[] body = content.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @AfterAll
    static void stopServers() throws Exception {
        remote.stop(0);
        staging.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
        system.terminate();
    }

    @BeforeEach
    void startNode(KubernetesTestContext ctx) {
        Path entrypoint = Path.of("..", "init", "target", "image", "bin", "spark-k8s-init").toAbsolutePath()
            .normalize();
        node = NodeSimulator.start(ctx.client(), ctx.namespace(), work,
            new LocalImage("spark-k8s-init:*", List.of("sh", entrypoint.toString())));
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    private static String remoteUri(String path) {
        return "http://localhost:" + remote.getAddress().getPort() + path;
    }

    private Pod awaitTerminal(KubernetesTestContext ctx, String name) {
        return await().atMost(WAIT).until(() -> ctx.client().pods().inNamespace(ctx.namespace()).withName(name).get(),
            p -> p != null && p.getStatus() != null && List.of("Succeeded", "Failed").contains(p.getStatus()
                .getPhase()));
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- the CLI: submit -> init-container localizes -> pod Succeeded -> CLI exits 0 ----------------

    private record CliResult(int exit, String stdout, String stderr) {
    }

    private CliResult submit(KubernetesTestContext ctx, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("submit", "--master", "k8s://" + ctx.masterUrl(),
            "--deploy-mode", "cluster", "--name", name, "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.initContainer.image=" + INIT_IMAGE,
            "--conf", "spark.kubernetes.report.interval=200ms"));
        args.addAll(List.of(extra));
        args.add("local:///opt/spark/examples/jars/spark-examples.jar");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SubmissionCli.run(Map.of("KUBECONFIG", ctx.kubeconfig().toString(), "HOME", "/nonexistent"),
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new CliResult(exit, out.toString(), err.toString());
    }

    private static String driverPod(KubernetesTestContext ctx) {
        return ctx.client().pods().inNamespace(ctx.namespace()).list().getItems().stream()
            .filter(p -> "driver".equals(p.getMetadata().getLabels().get("spark-role"))).findFirst().orElseThrow()
            .getMetadata().getName();
    }

    @Test
    void cliSubmitWithRemoteDependenciesLocalizesExactlyThoseFilesAndExitsZero(KubernetesTestContext ctx)
        throws Exception {
        CliResult result = submit(ctx, "remote-deps", "--jars", remoteUri("/deps/remote-lib.jar"),
            "--files", remoteUri("/deps/remote-data.txt"));

        assertThat(result.exit()).as(result.stderr()).isZero();
        String pod = driverPod(ctx);
        Pod finished = ctx.client().pods().inNamespace(ctx.namespace()).withName(pod).get();
        assertThat(finished.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(finished.getStatus().getInitContainerStatuses()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(DependencyResolutionStep.INIT_CONTAINER_NAME);
            assertThat(s.getState().getTerminated().getExitCode()).isZero();
        });
        Path jars = node.volumeDirectory(pod, "download-jars-volume").orElseThrow();
        Path files = node.volumeDirectory(pod, "download-files-volume").orElseThrow();
        assertThat(entries(jars)).containsExactly("remote-lib.jar");
        assertThat(jars.resolve("remote-lib.jar")).hasContent("remote jar bytes");
        assertThat(entries(files)).containsExactly("remote-data.txt");
        assertThat(files.resolve("remote-data.txt")).hasContent("remote,data\n");
    }

    @Test
    void cliSubmitWithAMissingRemoteFileFailsTheInitContainerNamingItAndTheCliExitsOne(KubernetesTestContext ctx) {
        String missing = remoteUri("/deps/missing.txt");

        CliResult result = submit(ctx, "missing-dep", "--files", missing);

        assertThat(result.exit()).as(result.stderr()).isEqualTo(SubmissionCli.EXIT_APP_FAILED);
        assertThat(result.stderr()).contains("phase: Failed");
        Pod pod = ctx.client().pods().inNamespace(ctx.namespace()).withName(driverPod(ctx)).get();
        ContainerStateTerminated init = pod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated();
        assertThat(init.getExitCode()).isEqualTo(1);
        assertThat(init.getMessage()).contains("failed to localize " + missing + ": HTTP 404");
    }

    // ---- staged bundles from the real staging server, in a pod laid out as DependencyResolutionStep does ----

    private SubmittedResourceIdAndSecret stage(KubernetesTestContext ctx, Path... files) throws Exception {
        HttpResourceStager stager = new HttpResourceStager(new ResourceStagingClient(system, stagingUri,
            Optional.empty()), Executors.newCachedThreadPool(), false, ProgressListener.NONE, Duration.ofSeconds(1));
        return stager.uploadResources(List.of(files), ctx.namespace(), Map.of("spark-app-selector", "e2e"))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A tarball with a {@code ../} entry, uploaded raw: a hostile or broken client's bundle. */
    private SubmittedResourceIdAndSecret stageEscapingTarball(KubernetesTestContext ctx) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] content = "evil".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("../escaped.jar", true);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(stagingUri.resolve(
            "/api/v1/resources?ownerNamespace=" + ctx.namespace() + "&ownerLabel=spark-app-selector%3De2e"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String body = response.body();
        return new SubmittedResourceIdAndSecret(field(body, "resourceId"), field(body, "resourceSecret"));
    }

    private static String field(String json, String name) {
        var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    /** The driver pod's init-container part as DependencyResolutionStep lays it out, with a staged jars bundle. */
    private void createStagedPod(KubernetesTestContext ctx, String name, URI server, String resourceId,
        String secret) {
        String mountDir = "/etc/spark-init";
        ctx.client().pods().inNamespace(ctx.namespace()).resource(new PodBuilder()
            .withNewMetadata().withName(name).addToLabels("spark-app-selector", "e2e").endMetadata()
            .withNewSpec().withRestartPolicy("Never")
            .addNewInitContainer().withName(DependencyResolutionStep.INIT_CONTAINER_NAME).withImage(INIT_IMAGE)
                .withArgs("init", "--properties-file", DependencyResolutionStep.PROPERTIES_PATH)
                .addNewVolumeMount().withName("spark-init-properties").withMountPath(mountDir).endVolumeMount()
                .addNewVolumeMount().withName("download-jars-volume").withMountPath("/var/spark-data/spark-jars")
                .endVolumeMount()
                .addNewVolumeMount().withName("spark-init-secret")
                .withMountPath(DependencyResolutionStep.SECRET_MOUNT_PATH).withReadOnly(true).endVolumeMount()
            .endInitContainer()
            .addNewContainer().withName("spark-kubernetes-driver").withImage("apache/spark:3.5.1")
                .addNewVolumeMount().withName("download-jars-volume").withMountPath("/var/spark-data/spark-jars")
                .endVolumeMount()
            .endContainer()
            .addNewVolume().withName("spark-init-properties").withNewConfigMap().withName(name + "-init-config")
                .endConfigMap().endVolume()
            .addNewVolume().withName("download-jars-volume").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("spark-init-secret").withNewSecret().withSecretName(name + "-init-secret")
                .endSecret().endVolume()
            .endSpec().build()).create();
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(new ConfigMapBuilder()
            .withNewMetadata().withName(name + "-init-config").endMetadata()
            .addToData("spark-init.properties", String.join("\n",
                "spark.kubernetes.mountdependencies.jarsDownloadDir=/var/spark-data/spark-jars",
                "spark.kubernetes.mountdependencies.filesDownloadDir=/var/spark-data/spark-jars/files",
                "spark.kubernetes.mountdependencies.mountTimeout=60s",
                "spark.kubernetes.resourceStagingServer.uri=" + server,
                "spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=" + resourceId,
                "spark.kubernetes.initcontainer.downloadJarsSecretLocation="
                    + DependencyResolutionStep.SECRET_MOUNT_PATH + "/downloadJarsSecret", ""))
            .build()).create();
        ctx.client().secrets().inNamespace(ctx.namespace()).resource(new SecretBuilder()
            .withNewMetadata().withName(name + "-init-secret").endMetadata()
            .addToData("downloadJarsSecret", Base64.getEncoder().encodeToString(secret.getBytes(
                StandardCharsets.UTF_8))).build()).create();
    }

    private static ContainerStateTerminated initState(Pod pod) {
        return pod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated();
    }

    @Test
    void aStagedBundleIsDownloadedWithItsSecretVerifiedAndExtracted(KubernetesTestContext ctx) throws Exception {
        Path localJar = Files.writeString(work.resolve("app-local.jar"), "local jar bytes");
        Path other = Files.writeString(work.resolve("helper.jar"), "helper");
        SubmittedResourceIdAndSecret bundle = stage(ctx, localJar, other);

        createStagedPod(ctx, "staged", stagingUri, bundle.resourceId(), bundle.resourceSecret());
        Pod pod = awaitTerminal(ctx, "staged");

        assertThat(pod.getStatus().getPhase()).as(String.valueOf(initState(pod))).isEqualTo("Succeeded");
        Path jars = node.volumeDirectory("staged", "download-jars-volume").orElseThrow();
        assertThat(entries(jars)).contains("app-local.jar", "helper.jar");
        assertThat(jars.resolve("app-local.jar")).hasContent("local jar bytes");
    }

    @Test
    void aWrongSecretFailsTheInitContainerWithAMessageNamingTheBundle(KubernetesTestContext ctx) throws Exception {
        SubmittedResourceIdAndSecret bundle = stage(ctx, Files.writeString(work.resolve("a.jar"), "a"));

        createStagedPod(ctx, "wrong-secret", stagingUri, bundle.resourceId(), "not-the-secret");
        Pod pod = awaitTerminal(ctx, "wrong-secret");

        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(initState(pod).getExitCode()).isEqualTo(1);
        assertThat(initState(pod).getMessage()).contains("failed to localize " + stagingUri + "/api/v0/resources/"
            + bundle.resourceId() + ": HTTP 404").doesNotContain("not-the-secret");
    }

    @Test
    void anUnreachableStagingServerFailsTheInitContainerNamingIt(KubernetesTestContext ctx) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort);

        createStagedPod(ctx, "unreachable", unreachable, "some-bundle", "some-secret");
        Pod pod = awaitTerminal(ctx, "unreachable");

        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(initState(pod).getMessage()).contains("failed to localize " + unreachable
            + "/api/v0/resources/some-bundle: cannot connect to 127.0.0.1:" + closedPort);
    }

    @Test
    void aTarballWithParentSegmentsFailsTheInitContainerAndWritesNothingOutside(KubernetesTestContext ctx)
        throws Exception {
        SubmittedResourceIdAndSecret bundle = stageEscapingTarball(ctx);

        createStagedPod(ctx, "escaping", stagingUri, bundle.resourceId(), bundle.resourceSecret());
        Pod pod = awaitTerminal(ctx, "escaping");

        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(initState(pod).getMessage()).contains("unsafe archive").contains("../escaped.jar");
        Path jars = node.volumeDirectory("escaping", "download-jars-volume").orElseThrow();
        assertThat(jars.getParent().resolve("escaped.jar")).doesNotExist();
        assertThat(entries(jars)).as("only the (empty) files directory; no partial bundle").containsExactly("files");
        assertThat(entries(jars.resolve("files"))).isEmpty();
    }
}
