package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.client.ChecksumMismatchException;
import io.sparkk8s.staging.client.HttpResourceStager;
import io.sparkk8s.staging.client.ProgressListener;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.staging.client.StagingProgress;
import io.sparkk8s.staging.client.StagingServerException;
import io.sparkk8s.staging.tar.ExtractionLimits;
import io.sparkk8s.staging.tar.Extracted;
import io.sparkk8s.staging.tar.UnsafeArchiveException;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.staging.store.BundleEntry;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client pipeline against the real server over loopback HTTP and HTTPS. */
class StagingClientServerTest {

    private static final Map<String, String> LABELS = Map.of("spark-app-selector", "app-1");
    private static final StagedResourcesOwner OWNER = new StagedResourcesOwner("spark", LABELS, "Pod");

    private static ActorSystem<Void> system;
    private static Executor blockingIo;

    @TempDir
    Path tmp;

    private StagingTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "staging-client-test");
        blockingIo = system.dispatchers().lookup(DispatcherSelector.blocking());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void stagesFilesAndADirectoryAndExtractsTheSameTreeWithProgress() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 64L << 20));
        Path inputs = inputs();
        List<StagingProgress> reports = new CopyOnWriteArrayList<>();
        HttpResourceStager stager = new HttpResourceStager(client(Optional.empty()), blockingIo, false,
            reports::add, Duration.ZERO);

        SubmittedResourceIdAndSecret staged = stager.uploadResources(
            List.of(inputs.resolve("app.jar"), inputs.resolve("conf")), "spark", LABELS)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        Path out = tmp.resolve("out");
        Extracted extracted = client(Optional.empty()).downloadAndExtract(staged.resourceId(),
            staged.resourceSecret(), out, ExtractionLimits.DEFAULT, blockingIo).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

        assertSameFiles(inputs, out);
        assertThat(extracted.entries()).isEqualTo(1 + 1 + 20);
        StagingProgress last = reports.get(reports.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.bytes()).isEqualTo(server.server.store().find(staged.resourceId()).toCompletableFuture()
            .get().orElseThrow().size());
        assertThat(reports).hasSizeGreaterThan(2);
    }

    @Test
    void gzippedBundlesAreDetectedAndExtracted() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 64L << 20));
        Path inputs = inputs();
        HttpResourceStager stager = new HttpResourceStager(client(Optional.empty()), blockingIo, true,
            ProgressListener.NONE, Duration.ofSeconds(1));

        SubmittedResourceIdAndSecret staged = stager.uploadResources(
            List.of(inputs.resolve("app.jar"), inputs.resolve("conf")), "spark", LABELS)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        client(Optional.empty()).downloadAndExtract(staged.resourceId(), staged.resourceSecret(), tmp.resolve("out"),
            ExtractionLimits.DEFAULT, blockingIo).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertSameFiles(inputs, tmp.resolve("out"));
    }

    @Test
    void theClientsAnswersCompleteOnTheActorSystemsDispatcherNotOnAThreadStartedPerCallback() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 1 << 20));
        ResourceStagingClient client = client(Optional.empty());
        String dispatcherThreads = system.name() + "-pekko.actor.default-dispatcher-";
        String caller = Thread.currentThread().getName();

        // Pekko's own stages would run these on the JDK's default async executor: the common pool, or a new
        // thread per stage on a machine with two cores.
        SubmittedResourceIdAndSecret staged = client.upload(Source.single(ByteString.fromString("bundle")), OWNER)
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> threads = List.of(
            client.upload(Source.single(ByteString.fromString("other")), OWNER)
                .thenApply(ok -> Thread.currentThread().getName()).toCompletableFuture().get(10, TimeUnit.SECONDS),
            client.download(staged.resourceId(), staged.resourceSecret(), Sink.ignore())
                .thenApply(ok -> Thread.currentThread().getName()).toCompletableFuture().get(10, TimeUnit.SECONDS),
            client.download(staged.resourceId(), "wrong", Sink.ignore())
                .handle((ok, refused) -> Thread.currentThread().getName()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS),
            client.delete(staged.resourceId(), staged.resourceSecret())
                .thenApply(ok -> Thread.currentThread().getName()).toCompletableFuture().get(10, TimeUnit.SECONDS));

        // (A stage attached after its future completed runs on the caller's thread: also fine.)
        assertThat(threads).allSatisfy(name -> assertThat(name.startsWith(dispatcherThreads) || name.equals(caller))
            .as("stage ran on thread %s", name).isTrue());
    }

    @Test
    void aWrongSecretFailsTheDownloadWithTheServersAnswer() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 1 << 20));
        SubmittedResourceIdAndSecret staged = client(Optional.empty())
            .upload(Source.single(ByteString.fromString("bundle")), OWNER).toCompletableFuture().get();

        assertThatThrownBy(() -> client(Optional.empty()).downloadAndExtract(staged.resourceId(), "wrong",
            tmp.resolve("out"), ExtractionLimits.DEFAULT, blockingIo).toCompletableFuture().get())
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StagingServerException.class)
            .hasMessageContaining("HTTP 404");
    }

    @Test
    void anUploadOverTheLimitFailsWith413() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 1000));

        assertThatThrownBy(() -> client(Optional.empty()).upload(Source.single(ByteString.fromArray(
            new byte[5000])), OWNER).toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StagingServerException.class)
            .satisfies(e -> assertThat(((StagingServerException) e).status()).isEqualTo(413));
    }

    @Test
    void aFixedLengthUploadIsStoredWhenTheBundleHasThatLengthAndFailsLeavingNothingWhenItIsShorter()
        throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 1 << 20));
        ByteString bundle = ByteString.fromArray(new byte[70_000]);

        SubmittedResourceIdAndSecret stored = client(Optional.empty()).upload(Source.single(bundle), bundle.size(),
            OWNER).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(server.server.store().find(stored.resourceId()).toCompletableFuture().get().orElseThrow()
            .size()).isEqualTo(bundle.size());

        // A bundle that ends before its declared length (a file shrank while it was packed) fails the upload.
        assertThatThrownBy(() -> client(Optional.empty()).upload(Source.single(bundle), bundle.size() + 1, OWNER)
            .toCompletableFuture().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.server.store().list()
            .toCompletableFuture().get()).extracting(BundleEntry::id).containsExactly(stored.resourceId()));
    }

    @Test
    void anUnsafeBundleIsRefusedAtExtraction() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 1 << 20));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry evil = new TarArchiveEntry("../evil.jar", true);
            evil.setSize(4);
            out.putArchiveEntry(evil);
            out.write("evil".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        SubmittedResourceIdAndSecret staged = client(Optional.empty())
            .upload(Source.single(ByteString.fromArray(tar.toByteArray())), OWNER).toCompletableFuture().get();

        assertThatThrownBy(() -> client(Optional.empty()).downloadAndExtract(staged.resourceId(),
            staged.resourceSecret(), tmp.resolve("out"), ExtractionLimits.DEFAULT, blockingIo)
            .toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).rootCause().isInstanceOf(UnsafeArchiveException.class);
        assertThat(Files.exists(tmp.resolve("evil.jar"))).isFalse();
    }

    @Test
    void aDownloadWhoseChecksumDiffersFromTheDeclaredOneFails() throws Exception {
        ServerBinding lying = Http.get(system).newServerAt("127.0.0.1", 0).bind(Directives.complete(
            HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, new byte[10]))
                .addHeader(RawHeader.create("X-Content-SHA256", "00".repeat(32)))))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            ResourceStagingClient client = new ResourceStagingClient(system, URI.create("http://127.0.0.1:"
                + lying.localAddress().getPort()), Optional.empty());

            assertThatThrownBy(() -> client.download("id", "secret",
                org.apache.pekko.stream.javadsl.Sink.ignore()).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ChecksumMismatchException.class);
        } finally {
            lying.unbind();
        }
    }

    @Test
    void overTlsWithAPemKeyTheClientTrustingTheCertificateStagesAndOneTrustingNothingFails() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "pem");
        server = StagingTestServer.start(system, StagingTestServer.withTls(
            StagingTestServer.settings(tmp.resolve("store"), 64L << 20),
            StagingTls.serverFromPem(certs.certPem(), certs.keyPem())));
        assertThat(server.base.getScheme()).isEqualTo("https");

        roundTrip(Optional.of(StagingTls.clientFromPem(certs.certPem())));

        TestCertificates other = TestCertificates.generate(tmp, "other");
        assertThatThrownBy(() -> client(Optional.of(StagingTls.clientFromPem(other.certPem())))
            .upload(Source.single(ByteString.fromString("x")), OWNER).toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class)
            .hasMessageContaining("PKIX path validation failed");
        assertThat(server.server.store().list().toCompletableFuture().get()).as("only the trusted upload").hasSize(1);
    }

    @Test
    void overTlsWithAKeyStoreTheClientTrustingItsTrustStoreStages() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "keystore");
        Path passwordFile = Files.writeString(tmp.resolve("password"), certs.password() + "\n");
        server = StagingTestServer.start(system, StagingTestServer.withTls(
            StagingTestServer.settings(tmp.resolve("store"), 64L << 20),
            StagingTls.serverFromKeyStore(certs.keyStore(), StagingTls.readPasswordFile(passwordFile), "PKCS12")));

        roundTrip(Optional.of(StagingTls.clientFromTrustStore(certs.keyStore(), certs.password().toCharArray(),
            "PKCS12")));
    }

    @Test
    void tlsSettingsFromConfigServeHttpsToAJdkClientSpeakingTheOriginalProtocol() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "config");
        StagingServerSettings settings = StagingServerSettings.fromConfig(com.typesafe.config.ConfigFactory
            .parseString("spark-k8s.staging-server { bind-address = 127.0.0.1, port = 0, store-root = \""
                + tmp.resolve("store") + "\", tls { enabled = true, key-pem = \"" + certs.keyPem()
                + "\", server-cert-pem = \"" + certs.certPem() + "\" } }")
            .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve());
        server = StagingTestServer.start(system, settings);
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
            .sslContext(StagingTls.clientFromPem(certs.certPem())).build();
        byte[] bundle = new byte[100_000];
        new Random(1).nextBytes(bundle);

        java.net.http.HttpResponse<String> upload = jdk.send(java.net.http.HttpRequest.newBuilder(
                server.uri("/api/v0/resources"))
            .header("Content-Type", "multipart/form-data; boundary=" + ResourceStagingServerTest.BOUNDARY)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(ResourceStagingServerTest.multipartBody(List.of(
                ResourceStagingServerTest.filePart("resources", bundle),
                ResourceStagingServerTest.jsonPart("resourcesOwner", ResourceStagingServerTest.OWNER_JSON)))))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(upload.body());
        java.net.http.HttpResponse<byte[]> download = jdk.send(java.net.http.HttpRequest.newBuilder(
                server.uri("/api/v0/resources/" + answer.get("resourceId").textValue()))
            .header("Authorization", answer.get("resourceSecret").textValue()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());

        assertThat(upload.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bundle);
    }

    private void roundTrip(Optional<SSLContext> trust) throws Exception {
        Path inputs = inputs();
        HttpResourceStager stager = new HttpResourceStager(client(trust), blockingIo, false, ProgressListener.NONE,
            Duration.ofSeconds(1));
        SubmittedResourceIdAndSecret staged = stager.uploadResources(List.of(inputs.resolve("app.jar"),
            inputs.resolve("conf")), "spark", LABELS).toCompletableFuture().get(30, TimeUnit.SECONDS);
        client(trust).downloadAndExtract(staged.resourceId(), staged.resourceSecret(), tmp.resolve("out"),
            ExtractionLimits.DEFAULT, blockingIo).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertSameFiles(inputs, tmp.resolve("out"));
    }

    private ResourceStagingClient client(Optional<SSLContext> trust) {
        return new ResourceStagingClient(system, server.base, trust);
    }

    private Path inputs() throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Random random = new Random(42);
        byte[] jar = new byte[3 * 1024 * 1024 + 5];
        random.nextBytes(jar);
        Files.write(inputs.resolve("app.jar"), jar);
        Path conf = Files.createDirectories(inputs.resolve("conf"));
        for (int i = 0; i < 20; i++) {
            byte[] file = new byte[i * 1531];
            random.nextBytes(file);
            Files.write(conf.resolve("file-" + i + ".properties"), file);
        }
        return inputs;
    }

    private static void assertSameFiles(Path expected, Path actual) throws Exception {
        List<String> expectedNames;
        List<String> actualNames;
        try (Stream<Path> e = Files.walk(expected); Stream<Path> a = Files.walk(actual)) {
            expectedNames = e.map(p -> expected.relativize(p).toString()).sorted().toList();
            actualNames = a.map(p -> actual.relativize(p).toString()).sorted().toList();
        }
        assertThat(actualNames).isEqualTo(expectedNames);
        for (String name : expectedNames) {
            if (Files.isRegularFile(expected.resolve(name))) {
                assertThat(Files.readAllBytes(actual.resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(expected.resolve(name)));
            }
        }
    }
}
