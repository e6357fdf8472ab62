package io.sparkk8s.it.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.http.daemon.BearerTokens;
import io.sparkk8s.http.daemon.DaemonMetrics;
import io.sparkk8s.http.daemon.DaemonSettings;
import io.sparkk8s.http.daemon.KubernetesSubmissionBackend;
import io.sparkk8s.http.daemon.SubmissionDaemon;
import io.sparkk8s.http.daemon.SubmissionTranslator;
import io.sparkk8s.http.daemon.UploadSettings;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.submission.cli.SubmissionCli;
import io.sparkk8s.submission.steps.DriverCommandStep;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's {@code --daemon} against a real daemon on a loopback port and the real API server: what the
 * CLI submits through the daemon the direct CLI sees in {@code status} and vice versa, a kill through
 * the daemon deletes the driver pod, a token the daemon does not know is an API error naming the
 * token file, and local files go through the daemon's multipart POST to a real staging server, where the
 * bundles the init-container is told about hold exactly those files.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class CliThroughDaemonIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "cli-daemon-it");
    private static final String TOKEN = "cli-it-token-7d2e";
    private static final String INTERNAL_STAGING_URI = "http://spark-k8s-staging.spark-k8s.svc:10000";

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
        ResourceStagingServer staging = ResourceStagingServer.start(SYSTEM, new StagingServerSettings("127.0.0.1", 0,
                Files.createDirectories(dir.resolve("store")), 1024 * 1024, 64 * 1024, Duration.ofSeconds(30), null,
                Duration.ofMinutes(30), Duration.ofMinutes(1), Optional.empty()))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        URI stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        UploadSettings uploads = new UploadSettings(Optional.of(stagingUri), INTERNAL_STAGING_URI, 1024 * 1024,
            Duration.ofMinutes(5));
        SubmissionDaemon daemon = startDaemon(ctx, submitter, Optional.of(uploads), metrics);
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

            // local files: sent as the daemon's multipart POST, staged, and named in the init-container's properties
            Path appJar = Files.write(dir.resolve("app.jar"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
            Path depJar = Files.write(Files.createDirectories(dir.resolve("lib")).resolve("dep.jar"),
                new byte[] {'P', 'K', 3, 4, 9});
            Path conf = Files.writeString(dir.resolve("app.conf"), "threshold = 3\n");
            List<String> withLocal = submitArgs(ctx, "local-files", viaDaemon);
            withLocal.set(withLocal.indexOf("local:///opt/spark/examples/jars/spark-examples.jar"), appJar.toString());
            withLocal.addAll(1, List.of("--jars", depJar.toString(), "--files", conf.toString(),
                "--conf", "spark.kubernetes.initContainer.image=spark-k8s-init:it"));
            Run local = cli(ctx, withLocal.toArray(String[]::new));
            assertThat(local.exit()).as(local.err()).isZero();
            String localId = local.out().strip();
            Pod localPod = ctx.client().pods().inNamespace(ctx.namespace())
                .withName(localId.substring(ctx.namespace().length() + 1)).get();
            String appId = localPod.getMetadata().getLabels().get("spark-app-selector");
            assertThat(localPod.getSpec().getInitContainers()).extracting(c -> c.getName()).contains("spark-init");
            Properties init = initProperties(ctx, appId);
            assertThat(init.getProperty("spark.kubernetes.resourceStagingServer.uri")).isEqualTo(INTERNAL_STAGING_URI);
            ResourceStagingClient stagingClient = new ResourceStagingClient(SYSTEM, stagingUri, Optional.empty());
            Map<String, byte[]> jars = untar(download(ctx, stagingClient, appId, init, "Jars"));
            assertThat(jars.keySet()).containsExactlyInAnyOrder("app.jar", "dep.jar");
            assertThat(jars.get("app.jar")).isEqualTo(Files.readAllBytes(appJar));
            assertThat(jars.get("dep.jar")).isEqualTo(Files.readAllBytes(depJar));
            Map<String, byte[]> files = untar(download(ctx, stagingClient, appId, init, "Files"));
            assertThat(files.keySet()).containsExactly("app.conf");
            assertThat(files.get("app.conf")).isEqualTo(Files.readAllBytes(conf));

            // a body over the daemon's limits (1 MiB per bundle here) is refused, a usage error, and nothing is created
            Path huge = Files.write(dir.resolve("huge.jar"), new byte[5 * 1024 * 1024]);
            Path large = Files.write(dir.resolve("large.jar"), new byte[1024 * 1024 + 1]);
            for (Path tooLarge : List.of(huge, large)) {
                List<String> withTooLarge = submitArgs(ctx, "too-large", viaDaemon);
                withTooLarge.addAll(1, List.of("--jars", tooLarge.toString()));
                Run refusedLarge = cli(ctx, withTooLarge.toArray(String[]::new));
                assertThat(refusedLarge.exit()).as(refusedLarge.err()).isEqualTo(SubmissionCli.EXIT_USAGE);
                assertThat(refusedLarge.err()).contains("refused by the daemon at " + url);
            }

            // a local archive: staged in the files bundle and named in the driver's spark.archives by its path
            // there, through the daemon exactly as on the direct path
            Path archive = Files.write(dir.resolve("env.tgz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2});
            Map<String, String[]> ways = new LinkedHashMap<>();
            ways.put("archive-daemon", viaDaemon);
            ways.put("archive-direct", new String[] {direct[0], direct[1], "--conf",
                "spark.kubernetes.resourceStagingServer.uri=" + stagingUri, "--conf",
                "spark.kubernetes.resourceStagingServer.internal.uri=" + INTERNAL_STAGING_URI});
            for (var way : ways.entrySet()) {
                List<String> withArchive = submitArgs(ctx, way.getKey(), way.getValue());
                withArchive.addAll(1, List.of("--archives", archive + "#py-env,https://repo.example.com/r.tgz#r",
                    "--conf", "spark.kubernetes.initContainer.image=spark-k8s-init:it"));
                Run archived = cli(ctx, withArchive.toArray(String[]::new));
                assertThat(archived.exit()).as(way.getKey() + ": " + archived.err()).isZero();
                String archivedId = archived.out().strip();
                String archivedAppId = ctx.client().pods().inNamespace(ctx.namespace())
                    .withName(archivedId.substring(ctx.namespace().length() + 1)).get().getMetadata().getLabels()
                    .get("spark-app-selector");
                Properties driverConf = driverConf(ctx, archivedAppId);
                assertThat(driverConf.getProperty("spark.archives")).as(way.getKey())
                    .isEqualTo("/var/spark-data/spark-files/env.tgz#py-env,https://repo.example.com/r.tgz#r");
                Properties archivedInit = initProperties(ctx, archivedAppId);
                assertThat(archivedInit.getProperty("spark.kubernetes.initcontainer.downloadJarsResourceIdentifier"))
                    .as(way.getKey()).isNull();
                Map<String, byte[]> archivedFiles = untar(download(ctx, stagingClient, archivedAppId, archivedInit,
                    "Files"));
                assertThat(archivedFiles.keySet()).as(way.getKey()).containsExactly("env.tgz");
                assertThat(archivedFiles.get("env.tgz")).isEqualTo(Files.readAllBytes(archive));
            }
        } finally {
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            submitter.close();
        }
    }

    @Test
    void aKillThroughTheDaemonGivesTheDriverPodTheGracePeriodTheDirectKillGivesIt(KubernetesTestContext ctx)
        throws Exception {
        SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().actorSystem(SYSTEM)
            .kubernetesClient(ctx.client()).build();
        DaemonMetrics metrics = new DaemonMetrics();
        SubmissionDaemon daemon = startDaemon(ctx, submitter, Optional.empty(), metrics);
        try {
            String url = "http://127.0.0.1:" + daemon.binding().localAddress().getPort();
            String tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n").toString();
            String[] viaDaemon = {"--daemon", url, "--daemon-token-file", tokenFile};
            String[] direct = {"--master", "k8s://" + ctx.masterUrl()};
            String[] grace = {"--conf", "spark.kubernetes.appKillPodDeletionGracePeriod=45s"};
            Map<String, String[]> ways = new LinkedHashMap<>();
            ways.put("graceful-direct", direct);
            ways.put("graceful-daemon", viaDaemon);
            Map<String, String> pods = new LinkedHashMap<>();
            for (var way : ways.entrySet()) {
                Run submitted = cli(ctx, submitArgs(ctx, way.getKey(), way.getValue()).toArray(String[]::new));
                assertThat(submitted.exit()).as(submitted.err()).isZero();
                String id = submitted.out().strip();
                pods.put(way.getKey(), id);
                SubmissionDaemonIT.bindToANode(ctx, id.substring(ctx.namespace().length() + 1));
            }

            for (var way : ways.entrySet()) {
                List<String> kill = new ArrayList<>(List.of("kill", pods.get(way.getKey())));
                kill.addAll(List.of(way.getValue()));
                kill.addAll(List.of(grace));
                Run killed = cli(ctx, kill.toArray(String[]::new));
                assertThat(killed.exit()).as(killed.err()).isZero();
                assertThat(killed.out()).isEqualTo("killed " + pods.get(way.getKey()) + System.lineSeparator());
                assertThat(killed.err()).doesNotContain("appKillPodDeletionGracePeriod");
            }

            for (String id : pods.values()) {
                Pod pod = ctx.client().pods().inNamespace(ctx.namespace())
                    .withName(id.substring(ctx.namespace().length() + 1)).get();
                assertThat(pod).as(id).isNotNull();
                assertThat(pod.getMetadata().getDeletionTimestamp()).as(id).isNotNull();
                assertThat(pod.getMetadata().getDeletionGracePeriodSeconds()).as(id).isEqualTo(45L);
            }
        } finally {
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            submitter.close();
        }
    }

    /** The driver's Spark configuration of submission {@code appId}, from its ConfigMap. */
    private static Properties driverConf(KubernetesTestContext ctx, String appId) throws IOException {
        ConfigMap conf = ctx.client().configMaps().inNamespace(ctx.namespace())
            .withLabel("spark-app-selector", appId).list().getItems().stream()
            .filter(c -> c.getData() != null && c.getData().containsKey(DriverCommandStep.SPARK_CONF_FILE))
            .findFirst().orElseThrow();
        Properties properties = new Properties();
        properties.load(new StringReader(conf.getData().get(DriverCommandStep.SPARK_CONF_FILE)));
        return properties;
    }

    /** The init-container's properties of submission {@code appId}, from its ConfigMap. */
    private static Properties initProperties(KubernetesTestContext ctx, String appId) throws IOException {
        ConfigMap initConfig = ctx.client().configMaps().inNamespace(ctx.namespace())
            .withLabel("spark-app-selector", appId).list().getItems().stream()
            .filter(c -> c.getData() != null && c.getData().containsKey("spark-init.properties")).findFirst()
            .orElseThrow();
        Properties init = new Properties();
        init.load(new StringReader(initConfig.getData().get("spark-init.properties")));
        return init;
    }

    /**
     * Downloads the {@code kind} ("Jars" or "Files") bundle the init-container is told about, with the
     * secret from the Secret it mounts.
     */
    private static byte[] download(KubernetesTestContext ctx, ResourceStagingClient staging, String appId,
        Properties init, String kind) throws Exception {
        String bundleId = init.getProperty("spark.kubernetes.initcontainer.download" + kind + "ResourceIdentifier");
        String location = init.getProperty("spark.kubernetes.initcontainer.download" + kind + "SecretLocation");
        assertThat(bundleId).as(kind + " bundle").isNotBlank();
        String key = location.substring(location.lastIndexOf('/') + 1);
        Secret secret = ctx.client().secrets().inNamespace(ctx.namespace()).withLabel("spark-app-selector", appId)
            .list().getItems().stream().filter(x -> x.getData() != null && x.getData().containsKey(key)).findFirst()
            .orElseThrow();
        String bundleSecret = new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        return staging.download(bundleId, bundleSecret,
                Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat))
            .toCompletableFuture().get(30, TimeUnit.SECONDS).toArray();
    }

    private static Map<String, byte[]> untar(byte[] tar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** A daemon on a loopback port over {@code submitter}, with one token for the test's namespace. */
    private static SubmissionDaemon startDaemon(KubernetesTestContext ctx, SparkKubernetesSubmitter submitter,
        Optional<UploadSettings> uploads, DaemonMetrics metrics) throws Exception {
        return SubmissionDaemon.start(SYSTEM, DaemonSettings.fromConfig(SYSTEM.settings().config())
                .withBinding("127.0.0.1", 0), uploads,
            new KubernetesSubmissionBackend(submitter, ctx.client(),
                SYSTEM.dispatchers().lookup(DispatcherSelector.blocking()), Duration.ofMillis(500), metrics),
            new SubmissionTranslator("k8s://" + ctx.masterUrl()),
            () -> BearerTokens.parse(List.of(TOKEN + " " + ctx.namespace()), "test"), metrics)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
