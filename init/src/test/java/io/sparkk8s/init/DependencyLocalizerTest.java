package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyLocalizerTest {

    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40));
    private static final String SECRET = "s3cr3t-value";

    @TempDir
    Path dir;

    private final TestServer server;
    private final AtomicInteger requests = new AtomicInteger();

    DependencyLocalizerTest() throws IOException {
        server = TestServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path jars() {
        return dir.resolve("jars");
    }

    private Path files() {
        return dir.resolve("files");
    }

    private List<LocalizationFailure> localize(String extraProperties) throws Exception {
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + jars() + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + files() + "\n" + extraProperties);
        return new DependencyLocalizer(InitContainerProperties.load(props), FAST, Optional.empty()).localize();
    }

    private void serveFile(String path, String content) {
        server.route(path, exchange -> {
            requests.incrementAndGet();
            TestServer.respond(exchange, 200, content.getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Serves bundle {@code id} the way the staging server's v0 protocol does. */
    private void serveBundle(String id, byte[] tarball, String declaredSha256) {
        server.route("/api/v0/resources/" + id, exchange -> {
            requests.incrementAndGet();
            if (!SECRET.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                TestServer.respond(exchange, 404, "no bundle with this id and secret".getBytes(StandardCharsets.UTF_8));
                return;
            }
            exchange.getResponseHeaders().add("X-Content-SHA256", declaredSha256);
            TestServer.respond(exchange, 200, tarball);
        });
    }

    private String bundleProperties(String id, String secret) throws IOException {
        Path secretFile = Files.writeString(dir.resolve("jars-secret"), secret + "\n");
        return "spark.kubernetes.resourceStagingServer.uri=" + server.uri("") + "\n"
            + "spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=" + id + "\n"
            + "spark.kubernetes.initcontainer.downloadJarsSecretLocation=" + secretFile + "\n";
    }

    private List<String> visibleEntries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsRemoteJarsAndFilesIntoTheirDirectoriesWithTheirContent() throws Exception {
        serveFile("/deps/app.jar", "jar bytes");
        serveFile("/deps/data.csv", "a,b\n1,2\n");

        List<LocalizationFailure> failures = localize(
            "spark.kubernetes.initcontainer.remoteJars=" + server.uri("/deps/app.jar") + "\n"
                + "spark.kubernetes.initcontainer.remoteFiles=" + server.uri("/deps/data.csv") + "\n");

        assertThat(failures).isEmpty();
        assertThat(jars().resolve("app.jar")).hasContent("jar bytes");
        assertThat(files().resolve("data.csv")).hasContent("a,b\n1,2\n");
        assertThat(visibleEntries(jars())).containsExactly("app.jar");
        assertThat(visibleEntries(files())).containsExactly("data.csv");
    }

    @Test
    void extractsAStagedBundleAuthorisedByTheMountedSecretAndVerifiesItsChecksum() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("lib-a.jar", "A");
        entries.put("lib-b.jar", "BB");
        byte[] tarball = TestArchives.tar(entries);
        serveBundle("bundle-1", tarball, TestArchives.sha256Hex(tarball));

        assertThat(localize(bundleProperties("bundle-1", SECRET))).isEmpty();

        assertThat(visibleEntries(jars())).containsExactly("lib-a.jar", "lib-b.jar");
        assertThat(jars().resolve("lib-b.jar")).hasContent("BB");
    }

    @Test
    void aWrongSecretFailsAtOnceNamingTheBundleAndTheServersAnswer() throws Exception {
        byte[] tarball = TestArchives.tar(Map.of("x.jar", "x"));
        serveBundle("bundle-2", tarball, TestArchives.sha256Hex(tarball));

        List<LocalizationFailure> failures = localize(bundleProperties("bundle-2", "not-the-secret"));

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo(server.uri("/api/v0/resources/bundle-2").toString());
            assertThat(f.cause()).contains("HTTP 404").contains("no bundle with this id and secret")
                .doesNotContain("not-the-secret");
        });
        assertThat(requests).as("a 404 is not retried").hasValue(1);
        assertThat(visibleEntries(jars())).isEmpty();
    }

    @Test
    void aTarballWithParentSegmentsIsRefusedAndNothingLandsOutsideOrInside() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("good.jar", "fine");
        entries.put("../escaped.txt", "evil");
        byte[] tarball = TestArchives.tar(entries);
        serveBundle("bundle-3", tarball, TestArchives.sha256Hex(tarball));

        List<LocalizationFailure> failures = localize(bundleProperties("bundle-3", SECRET));

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause()).contains("unsafe archive")
            .contains("../escaped.txt"));
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(Files.list(jars())).as("no partial bundle, no temporary directory left").isEmpty();
        assertThat(requests).as("an unsafe archive is not retried").hasValue(1);
    }

    @Test
    void aChecksumMismatchIsRetriedAndThenReportedNamingBothChecksums() throws Exception {
        byte[] tarball = TestArchives.tar(Map.of("x.jar", "x"));
        serveBundle("bundle-4", tarball, TestArchives.sha256Hex("something else".getBytes(StandardCharsets.UTF_8)));

        List<LocalizationFailure> failures = localize(bundleProperties("bundle-4", SECRET));

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause()).contains("SHA-256")
            .contains(TestArchives.sha256Hex(tarball)).contains("X-Content-SHA256")
            .contains("gave up after 3 attempts"));
        assertThat(requests).hasValue(3);
        assertThat(Files.list(jars())).isEmpty();
    }

    @Test
    void aRemoteFileIsVerifiedAgainstTheDigestTheServerDeclares() throws Exception {
        byte[] good = "payload".getBytes(StandardCharsets.UTF_8);
        String goodDigest = Base64.getEncoder().encodeToString(
            java.security.MessageDigest.getInstance("SHA-256").digest(good));
        server.route("/ok.jar", exchange -> {
            exchange.getResponseHeaders().add("Repr-Digest", "sha-256=:" + goodDigest + ":");
            TestServer.respond(exchange, 200, good);
        });
        server.route("/bad.jar", exchange -> {
            exchange.getResponseHeaders().add("Digest", "SHA-256=" + Base64.getEncoder().encodeToString(new byte[32]));
            TestServer.respond(exchange, 200, good);
        });

        List<LocalizationFailure> failures = localize("spark.kubernetes.initcontainer.remoteJars="
            + server.uri("/ok.jar") + "," + server.uri("/bad.jar") + "\n");

        assertThat(jars().resolve("ok.jar")).hasBinaryContent(good);
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).endsWith("/bad.jar");
            assertThat(f.cause()).contains("Digest declared");
        });
        assertThat(jars().resolve("bad.jar")).doesNotExist();
    }

    @Test
    void transientServerErrorsAreRetriedWithBackoffUntilTheDownloadSucceeds() throws Exception {
        server.route("/flaky.jar", exchange -> {
            int n = requests.incrementAndGet();
            TestServer.respond(exchange, n < 3 ? 503 : 200, (n < 3 ? "busy" : "finally").getBytes(
                StandardCharsets.UTF_8));
        });

        assertThat(localize("spark.kubernetes.initcontainer.remoteJars=" + server.uri("/flaky.jar") + "\n")).isEmpty();

        assertThat(requests).hasValue(3);
        assertThat(jars().resolve("flaky.jar")).hasContent("finally");
    }

    @Test
    void aMissingRemoteFileFailsNamingItsUriAndTheStatus() throws Exception {
        List<LocalizationFailure> failures = localize("spark.kubernetes.initcontainer.remoteFiles="
            + server.uri("/nowhere/missing.txt") + "\n");

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo(server.uri("/nowhere/missing.txt").toString());
            assertThat(f.cause()).startsWith("HTTP 404");
        });
    }

    @Test
    void anUnreachableStagingServerFailsNamingTheServer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET);

        List<LocalizationFailure> failures = localize(
            "spark.kubernetes.resourceStagingServer.uri=http://localhost:" + closedPort + "\n"
                + "spark.kubernetes.initcontainer.downloadFilesResourceIdentifier=abc\n"
                + "spark.kubernetes.initcontainer.downloadFilesSecretLocation=" + secretFile + "\n");

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo("http://localhost:" + closedPort + "/api/v0/resources/abc");
            assertThat(f.cause()).contains("cannot connect to localhost:" + closedPort)
                .contains("gave up after 3 attempts");
        });
    }

    @Test
    void aMissingSecretFileIsReportedNamingTheKeyAndThePath() throws Exception {
        List<LocalizationFailure> failures = localize(
            "spark.kubernetes.resourceStagingServer.uri=" + server.uri("") + "\n"
                + "spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=abc\n"
                + "spark.kubernetes.initcontainer.downloadJarsSecretLocation=" + dir.resolve("absent") + "\n");

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause())
            .contains(dir.resolve("absent").toString()).contains("downloadJarsSecretLocation"));
        assertThat(requests).hasValue(0);
    }

    @Test
    void runsAtMostMaxSimultaneousDownloadsAtOnce() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch firstTwoOverlap = new CountDownLatch(2);
        server.route("/par/", exchange -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            firstTwoOverlap.countDown();
            try {
                firstTwoOverlap.await(5, TimeUnit.SECONDS);
                TestServer.respond(exchange, 200, exchange.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        });
        StringBuilder uris = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            uris.append(i == 0 ? "" : ",").append(server.uri("/par/f" + i + ".txt"));
        }

        List<LocalizationFailure> failures = localize("spark.kubernetes.mountdependencies.maxSimultaneousDownloads=2\n"
            + "spark.kubernetes.initcontainer.remoteFiles=" + uris + "\n");

        assertThat(failures).isEmpty();
        assertThat(visibleEntries(files())).hasSize(6);
        assertThat(maxInFlight).hasValue(2);
    }

    @Test
    void theMountTimeoutBoundsTheWholeLocalizationAndNamesWhatDidNotFinish() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.route("/slow.jar", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
                TestServer.respond(exchange, 200, new byte[] {1});
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        serveFile("/fast.jar", "fast");
        long started = System.nanoTime();
        try {
            List<LocalizationFailure> failures = localize("spark.kubernetes.mountdependencies.mountTimeout=3s\n"
                + "spark.kubernetes.initcontainer.remoteJars=" + server.uri("/slow.jar") + ","
                + server.uri("/fast.jar") + "\n");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.source()).endsWith("/slow.jar");
                assertThat(f.cause()).contains("spark.kubernetes.mountdependencies.mountTimeout");
            });
            assertThat(jars().resolve("fast.jar")).hasContent("fast");
        } finally {
            release.countDown();
        }
    }

    @Test
    void twoDependenciesWithTheSameFileNameAreRefusedNamingBoth() throws Exception {
        serveFile("/a/lib.jar", "a");
        serveFile("/b/lib.jar", "b");

        List<LocalizationFailure> failures = localize("spark.kubernetes.initcontainer.remoteJars="
            + server.uri("/a/lib.jar") + "," + server.uri("/b/lib.jar") + "\n");

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).endsWith("/b/lib.jar");
            assertThat(f.cause()).contains(server.uri("/a/lib.jar").toString());
        });
        assertThat(jars().resolve("lib.jar")).hasContent("a");
    }

    @Test
    void aSchemeWithoutAHadoopFileSystemIsReportedNamingTheScheme() throws Exception {
        List<LocalizationFailure> failures =
            localize("spark.kubernetes.initcontainer.remoteJars=nofs://bucket/x.jar\n");

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo("nofs://bucket/x.jar");
            assertThat(f.cause()).contains("no Hadoop FileSystem for the scheme 'nofs'");
        });
    }
}
