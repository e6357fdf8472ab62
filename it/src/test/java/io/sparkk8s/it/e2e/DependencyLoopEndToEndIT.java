package io.sparkk8s.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.it.node.LocalImage;
import io.sparkk8s.it.node.NodeSimulator;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.submission.cli.SubmissionCli;
import io.sparkk8s.submission.steps.DependencyResolutionStep;
import io.sparkk8s.submission.steps.DriverCommandStep;
import io.sparkk8s.submission.steps.ExecutorPodTemplateStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
 * The dependency loop through {@code spark-k8s submit} beyond the driver: executors built from the
 * executor pod template the submission ships localize the same staged files; an hdfs:// dependency
 * (a real MiniDFSCluster); and a staging server over real TLS, verified by the CLI and by the
 * init-container, or refused by an init-container that does not trust it. Real API server, real
 * staging server, the node simulator running the real init-container.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class DependencyLoopEndToEndIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final String SPARK_IMAGE = "apache/spark:3.5.1";
    private static ActorSystem<Void> system;

    @TempDir
    Path work;

    private ResourceStagingServer staging;
    private NodeSimulator node;
    private String stderr = "";

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "dependency-loop-e2e");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startNode(KubernetesTestContext ctx) {
        Path entrypoint = Path.of("..", "init", "target", "image", "bin", "spark-k8s-init").toAbsolutePath()
            .normalize();
        node = NodeSimulator.start(ctx.client(), ctx.namespace(), work.resolve("node"),
            new LocalImage("spark-k8s-init:*", List.of("sh", entrypoint.toString())));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        if (staging != null) {
            staging.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    // ---- executors ----

    @Test
    void executorsBuiltFromTheShippedTemplateLocalizeExactlyTheStagedFiles(KubernetesTestContext ctx)
        throws Exception {
        URI stagingUri = startStaging(ctx, Optional.empty());
        Path jar = Files.writeString(work.resolve("app-lib.jar"), "local jar bytes");
        Path file = Files.writeString(work.resolve("lookup.csv"), "a,b\n");
        Path userTemplate = Files.writeString(work.resolve("executor.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              labels:
                tier: batch
            spec:
              tolerations:
              - key: spot
                operator: Exists
            """);

        int exit = submit(ctx, "--jars", jar.toString(), "--files", file.toString(),
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri,
            "--conf", "spark.kubernetes.executor.podTemplateFile=" + userTemplate);

        assertThat(exit).as(stderr).isZero();
        Pod driver = driverPod(ctx);
        assertThat(driverConf(ctx, driver).getProperty(ExecutorPodTemplateStep.KEY))
            .isEqualTo(ExecutorPodTemplateStep.MOUNT_PATH + "/" + ExecutorPodTemplateStep.FILE_NAME);
        Pod template = executorTemplateAsTheDriverReadsIt(ctx, driver);
        assertThat(template.getMetadata().getLabels()).as("the submitter's template is kept")
            .containsEntry("tier", "batch");
        assertThat(template.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("spot");

        Pod executor = ctx.client().pods().inNamespace(ctx.namespace())
            .resource(executorPodFrom(template, driver, 1)).create();

        awaitPhase(ctx, executor.getMetadata().getName(), "Succeeded");
        String name = executor.getMetadata().getName();
        assertThat(directory(name, "download-jars-volume")).containsExactly(Map.entry("app-lib.jar",
            "local jar bytes"));
        assertThat(directory(name, "download-files-volume")).containsExactly(Map.entry("lookup.csv", "a,b\n"));
        Pod done = ctx.client().pods().inNamespace(ctx.namespace()).withName(name).get();
        assertThat(done.getStatus().getInitContainerStatuses()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(DependencyResolutionStep.INIT_CONTAINER_NAME);
            assertThat(s.getState().getTerminated().getExitCode()).isZero();
        });
        assertThat(directory(driver.getMetadata().getName(), "download-jars-volume"))
            .as("the driver localized the same").isEqualTo(directory(name, "download-jars-volume"));
    }

    // ---- hdfs:// ----

    @Test
    void anHdfsDependencyIsLocalizedThroughTheWholeLoop(KubernetesTestContext ctx) throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            FileSystem fs = cluster.getFileSystem();
            write(fs, "/deps/udf.jar", "jar from hdfs");
            write(fs, "/deps/cities.csv", "paris,lyon\n");
            String hdfs = "hdfs://localhost:" + cluster.getNameNodePort();

            int exit = submit(ctx, "--jars", hdfs + "/deps/udf.jar", "--files", hdfs + "/deps/cities.csv");

            assertThat(exit).as(stderr).isZero();
            Pod driver = driverPod(ctx);
            assertThat(driver.getStatus().getPhase()).isEqualTo("Succeeded");
            String pod = driver.getMetadata().getName();
            assertThat(directory(pod, "download-jars-volume")).containsExactly(Map.entry("udf.jar", "jar from hdfs"));
            assertThat(directory(pod, "download-files-volume"))
                .containsExactly(Map.entry("cities.csv", "paris,lyon\n"));
            assertThat(driverConf(ctx, driver).getProperty("spark.jars"))
                .isEqualTo("/var/spark-data/spark-jars/udf.jar");
        } finally {
            cluster.shutdown();
        }
    }

    // ---- staging over TLS ----

    @Test
    void aStagingServerOverTlsIsVerifiedByTheCliAndTheInitContainer(KubernetesTestContext ctx) throws Exception {
        Certificate server = Certificate.generate(work, "staging");
        URI stagingUri = startStaging(ctx, Optional.of(server));
        Path jar = Files.writeString(work.resolve("secure.jar"), "over tls");

        int exit = submit(ctx, "--jars", jar.toString(),
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri,
            "--conf", "spark.ssl.kubernetes.resourceStagingServer.enabled=true",
            "--conf", "spark.ssl.kubernetes.resourceStagingServer.clientCertPem=" + server.certPem());

        assertThat(exit).as(stderr).isZero();
        Pod driver = driverPod(ctx);
        assertThat(driver.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(directory(driver.getMetadata().getName(), "download-jars-volume"))
            .containsExactly(Map.entry("secure.jar", "over tls"));
    }

    @Test
    void anInitContainerThatDoesNotTrustTheStagingServerFailsNamingTheCause(KubernetesTestContext ctx)
        throws Exception {
        Certificate server = Certificate.generate(work, "staging");
        Certificate other = Certificate.generate(work, "other");
        URI stagingUri = startStaging(ctx, Optional.of(server));
        Path jar = Files.writeString(work.resolve("secure.jar"), "over tls");

        // The CLI trusts the server (it uploads); the pods are told to trust another certificate.
        int exit = submit(ctx, "--jars", jar.toString(),
            "--conf", "spark.kubernetes.resourceStagingServer.uri=" + stagingUri,
            "--conf", "spark.ssl.kubernetes.resourceStagingServer.enabled=true",
            "--conf", "spark.ssl.kubernetes.resourceStagingServer.clientCertPem=" + server.certPem(),
            "--conf", "spark.ssl.kubernetes.resourceStagingServer.internal.clientCertPem=" + other.certPem());

        assertThat(exit).as(stderr).isEqualTo(1);
        Pod driver = driverPod(ctx);
        assertThat(driver.getStatus().getPhase()).isEqualTo("Failed");
        ContainerStatus init = driver.getStatus().getInitContainerStatuses().get(0);
        assertThat(init.getState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(init.getState().getTerminated().getMessage()).contains("failed to localize")
            .contains(stagingUri.toString()).contains("TLS verification of 127.0.0.1 failed");
        assertThat(stderr).contains("TLS verification of 127.0.0.1 failed");
        assertThat(directory(driver.getMetadata().getName(), "download-jars-volume")).isEmpty();
    }

    // ---- helpers ----

    private URI startStaging(KubernetesTestContext ctx, Optional<Certificate> tls) throws Exception {
        StagingServerSettings base = StagingServerSettings.fromConfig(CONFIG).withBinding("127.0.0.1", 0)
            .withStoreRoot(work.resolve("store"));
        StagingServerSettings settings = new StagingServerSettings(base.bindAddress(), base.port(),
            base.storeRoot(), base.maxBundleSize(), base.maxOwnerSize(), base.idleTimeout(), base.requestTimeout(),
            base.initialAccessExpirationTimeout(), base.expiryCheckInterval(), tls.map(c ->
                StagingTls.serverFromKeyStore(c.keyStore(), c.password().toCharArray(), "PKCS12")));
        LocalDiskBlobStore store = LocalDiskBlobStore.open(settings.storeRoot(), system.dispatchers().lookup(
            DispatcherSelector.blocking()), Materializer.matFromSystem(system));
        staging = ResourceStagingServer.start(system, settings, store, Clock.systemUTC(), ctx.client(), CONFIG)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        return URI.create((tls.isPresent() ? "https" : "http") + "://127.0.0.1:"
            + staging.binding().localAddress().getPort());
    }

    private int submit(KubernetesTestContext ctx, String... extra) {
        List<String> args = new ArrayList<>(List.of("submit", "--master", "k8s://" + ctx.masterUrl(),
            "--deploy-mode", "cluster", "--name", "dependency-loop", "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + ctx.namespace(),
            "--conf", "spark.kubernetes.container.image=" + SPARK_IMAGE,
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

    private static Pod driverPod(KubernetesTestContext ctx) {
        return ctx.client().pods().inNamespace(ctx.namespace()).withLabel("spark-role", "driver").list().getItems()
            .get(0);
    }

    /** The conf file the driver is started with, from the ConfigMap mounted in the driver pod. */
    private static Properties driverConf(KubernetesTestContext ctx, Pod driver) throws IOException {
        Properties properties = new Properties();
        String data = driver.getSpec().getVolumes().stream().map(Volume::getConfigMap).filter(v -> v != null)
            .map(v -> ctx.client().configMaps().inNamespace(ctx.namespace()).withName(v.getName()).get())
            .map(ConfigMap::getData).filter(d -> d.containsKey(DriverCommandStep.SPARK_CONF_FILE)).findFirst()
            .orElseThrow().get(DriverCommandStep.SPARK_CONF_FILE);
        properties.load(new StringReader(data));
        return properties;
    }

    /** The template file at the path the driver is given, read through the volume the driver mounts there. */
    private static Pod executorTemplateAsTheDriverReadsIt(KubernetesTestContext ctx, Pod driver) {
        Container container = driver.getSpec().getContainers().get(0);
        String volume = container.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals(ExecutorPodTemplateStep.MOUNT_PATH)).findFirst().orElseThrow()
            .getName();
        String configMap = driver.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume))
            .findFirst().orElseThrow().getConfigMap().getName();
        String yaml = ctx.client().configMaps().inNamespace(ctx.namespace()).withName(configMap).get().getData()
            .get(ExecutorPodTemplateStep.FILE_NAME);
        return SERIALIZATION.unmarshal(yaml, Pod.class);
    }

    /**
     * An executor pod as Spark's driver builds one from the template: the template's pod with the
     * executor's name, labels and owner, and its first container (or a new one) as the executor container.
     */
    private static Pod executorPodFrom(Pod template, Pod driver, int id) {
        List<Container> containers = template.getSpec().getContainers();
        Container executor = new ContainerBuilder(containers.isEmpty() ? new Container() : containers.get(0))
            .withName("spark-kubernetes-executor").withImage(SPARK_IMAGE).withArgs("executor").build();
        List<Container> all = new ArrayList<>(containers.isEmpty() ? List.of() : containers.subList(1,
            containers.size()));
        all.add(0, executor);
        return new PodBuilder(template)
            .editOrNewMetadata()
                .withName(driver.getMetadata().getName().replaceFirst("-driver$", "") + "-exec-" + id)
                .addToLabels("spark-role", "executor")
                .addToLabels("spark-exec-id", String.valueOf(id))
                .addToLabels("spark-app-selector", driver.getMetadata().getLabels().get("spark-app-selector"))
                .addNewOwnerReference().withApiVersion("v1").withKind("Pod")
                    .withName(driver.getMetadata().getName()).withUid(driver.getMetadata().getUid())
                    .withController(true).endOwnerReference()
            .endMetadata()
            .editSpec().withRestartPolicy("Never").withContainers(all).endSpec()
            .build();
    }

    private static void awaitPhase(KubernetesTestContext ctx, String pod, String phase) {
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            Pod p = ctx.client().pods().inNamespace(ctx.namespace()).withName(pod).get();
            String current = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Failed".equals(current) && !phase.equals(current)) {
                throw new AssertionError("pod " + pod + " failed: " + p.getStatus());
            }
            return phase.equals(current);
        });
    }

    /** The files of a pod's volume, by name, with their contents. */
    private Map<String, String> directory(String pod, String volume) throws IOException {
        Path dir = node.volumeDirectory(pod, volume).orElseThrow(() -> new AssertionError("no volume " + volume
            + " for pod " + pod));
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static void write(FileSystem fs, String path, String content) throws IOException {
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A self-signed certificate for 127.0.0.1, made with the JDK's keytool: a PKCS12 key store and the PEM. */
    private record Certificate(Path keyStore, String password, Path certPem) {

        static Certificate generate(Path dir, String name) throws Exception {
            Path keyStore = dir.resolve(name + ".p12");
            String password = "changeit-" + name;
            keytool("-genkeypair", "-alias", "staging", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password,
                "-keypass", password);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, password.toCharArray());
            }
            byte[] der = store.getCertificate("staging").getEncoded();
            Path pem = Files.writeString(dir.resolve(name + ".crt.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n");
            return new Certificate(keyStore, password, pem);
        }

        private static void keytool(String... args) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        }
    }
}
