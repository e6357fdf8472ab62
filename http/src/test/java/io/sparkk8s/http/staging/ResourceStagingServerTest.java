package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkk8s.staging.Checksums;
import io.sparkk8s.staging.store.BlobStore;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The staging server's protocol and its bad-input cases, over real loopback HTTP. */
class ResourceStagingServerTest {

    static final String OWNER_JSON =
        "{\"ownerNamespace\":\"spark\",\"ownerLabels\":{\"spark-app-selector\":\"app-1\"},\"ownerType\":\"Pod\"}";
    private static final long LIMIT = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ActorSystem<Void> system;
    private static ExecutorService io;

    @TempDir
    Path root;

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<StagingTestServer> servers = new ArrayList<>();
    private StagingTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "staging-server-test");
        io = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        io.shutdown();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServers() throws Exception {
        for (StagingTestServer s : servers) {
            s.close();
        }
    }

    private StagingTestServer start(StagingServerSettings settings) throws Exception {
        StagingTestServer started = StagingTestServer.start(system, settings);
        servers.add(started);
        server = started;
        return started;
    }

    private StagingTestServer start() throws Exception {
        return start(StagingTestServer.settings(root, LIMIT));
    }

    @Test
    void pingHealthAndReadinessAnswer() throws Exception {
        start();

        assertThat(get("/api/v0/ping").body()).isEqualTo("pong");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/api/v0/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void multipartUploadAsTheOriginalClientSendsItDownloadsWithTheRawOrBearerSecret() throws Exception {
        start();
        byte[] bundle = randomBytes(1024 * 1024 + 3);

        HttpResponse<String> upload = postMultipart("/api/v0/resources/",
            List.of(filePart("resources", bundle), jsonPart("resourcesOwner", OWNER_JSON)));
        JsonNode answer = JSON.readTree(upload.body());
        String id = answer.get("resourceId").textValue();
        String secret = answer.get("resourceSecret").textValue();

        assertThat(upload.statusCode()).isEqualTo(200);
        for (String authorization : List.of(secret, "Bearer " + secret)) {
            HttpResponse<byte[]> download = download(id, authorization);
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(bundle);
            assertThat(download.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            assertThat(download.headers().firstValue("X-Content-SHA256")).hasValue(Checksums.sha256Hex(bundle));
        }
    }

    @Test
    void multipartUploadWithoutTrailingSlashAndOwnerFirstIsAccepted() throws Exception {
        start();
        byte[] bundle = randomBytes(1000);

        HttpResponse<String> upload = postMultipart("/api/v0/resources",
            List.of(jsonPart("resourcesOwner", OWNER_JSON), filePart("resources", bundle)));

        assertThat(upload.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(upload.body());
        assertThat(download(answer.get("resourceId").textValue(), answer.get("resourceSecret").textValue()).body())
            .isEqualTo(bundle);
    }

    @Test
    void aDownloadWithoutSecretIs401WhetherOrNotTheIdExists() throws Exception {
        start();
        String id = uploadRaw(randomBytes(10)).get("resourceId").textValue();

        HttpResponse<String> known = send(HttpRequest.newBuilder(server.uri("/api/v0/resources/" + id)).build());
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(
            server.uri("/api/v0/resources/" + UUID.randomUUID())).build());

        assertThat(known.statusCode()).isEqualTo(401);
        assertThat(known.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
            .startsWith("Bearer"));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(known.body());
    }

    @Test
    void aWrongSecretAndAnUnknownIdGetTheSameAnswer() throws Exception {
        start();
        JsonNode bundle = uploadRaw(randomBytes(10));
        String id = bundle.get("resourceId").textValue();
        String secret = bundle.get("resourceSecret").textValue();

        HttpResponse<byte[]> wrongSecret = download(id, "Bearer " + secret.substring(1) + "A");
        HttpResponse<byte[]> unknownId = download(UUID.randomUUID().toString(), secret);
        HttpResponse<byte[]> notAnId = download("..%2Findex", secret);

        assertThat(wrongSecret.statusCode()).isEqualTo(404);
        assertThat(unknownId.statusCode()).isEqualTo(404);
        assertThat(notAnId.statusCode()).isEqualTo(404);
        assertThat(new String(unknownId.body(), StandardCharsets.UTF_8))
            .isEqualTo(new String(wrongSecret.body(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{not json                                                | resourcesOwner: not valid JSON",
        "{\"ownerLabels\":{\"a\":\"b\"}}                          | ownerNamespace:",
        "{\"ownerNamespace\":\"spark\",\"ownerLabels\":\"a=b\"}   | ownerLabels: must be an object",
        "{\"ownerNamespace\":\"spark\",\"ownerLabels\":{}}        | ownerLabels: must name at least one label",
        "{\"ownerNamespace\":\"Spark!\",\"ownerLabels\":{\"a\":\"b\"}} | ownerNamespace: 'Spark!'",
    })
    void aMalformedOwnerIs400NamingTheFieldAndStoresNothing(String ownerJson, String message) throws Exception {
        start();

        HttpResponse<String> upload = postMultipart("/api/v0/resources",
            List.of(filePart("resources", randomBytes(100_000)), jsonPart("resourcesOwner", ownerJson)));

        assertThat(upload.statusCode()).isEqualTo(400);
        assertThat(upload.body()).startsWith(message);
        awaitNothingStored();
    }

    @Test
    void aMultipartUploadWithoutOwnerIs400AndStoresNothing() throws Exception {
        start();

        HttpResponse<String> upload = postMultipart("/api/v0/resources",
            List.of(filePart("resources", randomBytes(1000))));

        assertThat(upload.statusCode()).isEqualTo(400);
        assertThat(upload.body()).startsWith("resourcesOwner:");
        awaitNothingStored();
    }

    @Test
    void aRawUploadWithoutOwnerNamespaceIs400NamingIt() throws Exception {
        start();

        HttpResponse<String> upload = send(HttpRequest.newBuilder(server.uri("/api/v1/resources?ownerLabel=a=b"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(randomBytes(10))).build());

        assertThat(upload.statusCode()).isEqualTo(400);
        assertThat(upload.body()).startsWith("ownerNamespace:");
        awaitNothingStored();
    }

    @Test
    void aRawUploadAnswers201WithLocationSizeAndChecksum() throws Exception {
        start();
        byte[] bundle = randomBytes(200_000);

        HttpResponse<String> upload = send(HttpRequest.newBuilder(server.uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=spark-app-selector=app-1&ownerLabel=x=y"))
            .header("X-Content-SHA256", Checksums.sha256Hex(bundle))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());
        JsonNode answer = JSON.readTree(upload.body());

        assertThat(upload.statusCode()).isEqualTo(201);
        assertThat(upload.headers().firstValue("Location")).hasValue("/api/v1/resources/"
            + answer.get("resourceId").textValue());
        assertThat(answer.get("size").longValue()).isEqualTo(bundle.length);
        assertThat(answer.get("contentSha256").textValue()).isEqualTo(Checksums.sha256Hex(bundle));
        assertThat(download(answer.get("resourceId").textValue(), answer.get("resourceSecret").textValue()).body())
            .isEqualTo(bundle);
    }

    @Test
    void aRawUploadWhoseChecksumDiffersIs400AndStoresNothing() throws Exception {
        start();

        HttpResponse<String> upload = send(HttpRequest.newBuilder(server.uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=a=b"))
            .header("X-Content-SHA256", Checksums.sha256Hex(new byte[1]))
            .POST(HttpRequest.BodyPublishers.ofByteArray(randomBytes(1000))).build());

        assertThat(upload.statusCode()).isEqualTo(400);
        assertThat(upload.body()).startsWith("X-Content-SHA256:");
        awaitNothingStored();
    }

    @Test
    void aMultipartBodyOverTheLimitIs413AndStoresNothing() throws Exception {
        start(StagingTestServer.settings(root, 64 * 1024));

        HttpResponse<String> upload = postMultipart("/api/v0/resources",
            List.of(jsonPart("resourcesOwner", OWNER_JSON), filePart("resources", randomBytes(100 * 1024))));

        assertThat(upload.statusCode()).isEqualTo(413);
        awaitNothingStored();
    }

    @Test
    void aRawBodyOverTheLimitIs413AndStoresNothingWithOrWithoutContentLength() throws Exception {
        start(StagingTestServer.settings(root, 64 * 1024));
        URI uri = server.uri("/api/v1/resources?ownerNamespace=spark&ownerLabel=a=b");
        byte[] body = randomBytes(300 * 1024);

        HttpResponse<String> declared = send(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        awaitNothingStored();
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesNothingStored() throws Exception {
        start();
        try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/resources?ownerNamespace=spark&ownerLabel=a=b HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(randomBytes(1_000_000));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.temporaryFiles().isEmpty());
        }

        awaitNothingStored();
    }

    @Test
    void aMultipartClientThatDisconnectsMidUploadLeavesNothingStored() throws Exception {
        start();
        byte[] body = multipartBody(List.of(jsonPart("resourcesOwner", OWNER_JSON),
            filePart("resources", randomBytes(2_000_000))));
        try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v0/resources HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.temporaryFiles().isEmpty());
        }

        awaitNothingStored();
    }

    @Test
    void aFullDiskIs507AndStoresNothing() throws Exception {
        BlobStore fullStore = LocalDiskBlobStore.open(root, io, Materializer.matFromSystem(system), Clock.systemUTC(),
            path -> fullAfter(256 * 1024).toMat(FileIO.toPath(path), Keep.right()));
        StagingTestServer full = StagingTestServer.start(system, StagingTestServer.settings(root, LIMIT), fullStore);
        servers.add(full);
        server = full;

        HttpResponse<String> raw = send(HttpRequest.newBuilder(server.uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=a=b"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(randomBytes(1024 * 1024))).build());
        HttpResponse<String> multipart = postMultipart("/api/v0/resources",
            List.of(filePart("resources", randomBytes(1024 * 1024)), jsonPart("resourcesOwner", OWNER_JSON)));

        assertThat(raw.statusCode()).isEqualTo(507);
        assertThat(multipart.statusCode()).isEqualTo(507);
        awaitNothingStored();
    }

    @Test
    void aDownloadStartedBeforeADeleteGetsTheWholeBundleAndLaterOnes404() throws Exception {
        start();
        byte[] bundle = randomBytes(LIMIT_MINUS_ONE_MIB);
        JsonNode stored = uploadRaw(bundle);
        String id = stored.get("resourceId").textValue();
        String auth = "Bearer " + stored.get("resourceSecret").textValue();

        HttpResponse<InputStream> reading = client.send(HttpRequest.newBuilder(server.uri("/api/v1/resources/" + id))
            .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] first = reading.body().readNBytes(64 * 1024);
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(server.uri("/api/v1/resources/" + id))
            .header("Authorization", auth).DELETE().build());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(first);
        reading.body().transferTo(all);

        assertThat(reading.statusCode()).isEqualTo(200);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(all.toByteArray()).isEqualTo(bundle);
        assertThat(download(id, auth).statusCode()).isEqualTo(404);
        awaitNothingStored();
    }

    @Test
    void downloadsRacingADeleteGetTheWholeBundleOr404NeverATruncated200() throws Exception {
        start();
        byte[] bundle = randomBytes(1024 * 1024);
        String sha = Checksums.sha256Hex(bundle);
        for (int round = 0; round < 10; round++) {
            JsonNode stored = uploadRaw(bundle);
            String id = stored.get("resourceId").textValue();
            String auth = stored.get("resourceSecret").textValue();
            List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                downloads.add(client.sendAsync(HttpRequest.newBuilder(server.uri("/api/v0/resources/" + id))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            HttpResponse<String> deleted = send(HttpRequest.newBuilder(server.uri("/api/v1/resources/" + id))
                .header("Authorization", auth).DELETE().build());

            assertThat(deleted.statusCode()).isEqualTo(204);
            for (CompletableFuture<HttpResponse<byte[]>> download : downloads) {
                HttpResponse<byte[]> response = download.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isIn(200, 404);
                if (response.statusCode() == 200) {
                    assertThat(Checksums.sha256Hex(response.body())).isEqualTo(sha);
                }
            }
        }
        awaitNothingStored();
    }

    @Test
    void deleteNeedsTheSecretAndAnswersUnknownAndWrongAlike() throws Exception {
        start();
        JsonNode stored = uploadRaw(randomBytes(10));
        String id = stored.get("resourceId").textValue();

        HttpResponse<String> noSecret = send(HttpRequest.newBuilder(server.uri("/api/v1/resources/" + id))
            .DELETE().build());
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(server.uri("/api/v1/resources/" + id))
            .header("Authorization", "Bearer nope").DELETE().build());
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(server.uri("/api/v1/resources/"
            + UUID.randomUUID())).header("Authorization", "Bearer nope").DELETE().build());

        assertThat(noSecret.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(wrong.body()).isEqualTo(unknown.body());
        assertThat(download(id, stored.get("resourceSecret").textValue()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRestartedServerServesBundlesItAcknowledgedBefore() throws Exception {
        start();
        byte[] bundle = randomBytes(500_000);
        JsonNode stored = uploadRaw(bundle);
        server.close();
        servers.remove(server);

        start();

        assertThat(download(stored.get("resourceId").textValue(), stored.get("resourceSecret").textValue()).body())
            .isEqualTo(bundle);
    }

    @Test
    void bundlesNeverDownloadedExpireAfterTheInitialAccessTimeout() throws Exception {
        MovableClock clock = new MovableClock(java.time.Instant.parse("2026-11-25T10:00:00Z"));
        BlobStore store = LocalDiskBlobStore.open(root, io, Materializer.matFromSystem(system), clock,
            FileIO::toPath);
        StagingServerSettings s = StagingTestServer.settings(root, LIMIT);
        server = StagingTestServer.start(system, new StagingServerSettings(s.bindAddress(), 0, root, LIMIT,
            s.maxOwnerSize(), s.idleTimeout(), null, Duration.ofMinutes(30), Duration.ofMillis(50),
            Optional.empty()), store, clock);
        servers.add(server);
        JsonNode used = uploadRaw(randomBytes(10));
        JsonNode unused = uploadRaw(randomBytes(10));
        assertThat(download(used.get("resourceId").textValue(), used.get("resourceSecret").textValue())
            .statusCode()).isEqualTo(200);

        clock.now = clock.now.plus(Duration.ofMinutes(31));

        // Polled through the store: a download would count as the access that prevents expiry.
        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(unused.get("resourceId").textValue())
            .toCompletableFuture().get().isEmpty());
        assertThat(download(unused.get("resourceId").textValue(), unused.get("resourceSecret").textValue())
            .statusCode()).isEqualTo(404);
        assertThat(download(used.get("resourceId").textValue(), used.get("resourceSecret").textValue())
            .statusCode()).isEqualTo(200);
    }

    @Test
    void bundlesYoungerThanTheInitialAccessTimeoutAreKept() throws Exception {
        MovableClock clock = new MovableClock(java.time.Instant.parse("2026-11-25T10:00:00Z"));
        BlobStore store = LocalDiskBlobStore.open(root, io, Materializer.matFromSystem(system), clock,
            FileIO::toPath);
        StagingServerSettings s = StagingTestServer.settings(root, LIMIT);
        java.util.concurrent.atomic.AtomicInteger expiryRuns = new java.util.concurrent.atomic.AtomicInteger();
        BlobStore counting = new CountingExpiry(store, expiryRuns);
        server = StagingTestServer.start(system, new StagingServerSettings(s.bindAddress(), 0, root, LIMIT,
            s.maxOwnerSize(), s.idleTimeout(), null, Duration.ofMinutes(30), Duration.ofMillis(50),
            Optional.empty()), counting, clock);
        servers.add(server);
        JsonNode young = uploadRaw(randomBytes(10));

        clock.now = clock.now.plus(Duration.ofMinutes(29));
        int runs = expiryRuns.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> expiryRuns.get() >= runs + 2);

        assertThat(store.find(young.get("resourceId").textValue()).toCompletableFuture().get()).isPresent();
    }

    /** Counts expiry runs, so a test can wait for some to have happened. */
    private record CountingExpiry(BlobStore delegate, java.util.concurrent.atomic.AtomicInteger runs)
        implements BlobStore {
        @Override
        public java.util.concurrent.CompletionStage<PendingBlob> write(
            org.apache.pekko.stream.javadsl.Source<ByteString, ?> content) {
            return delegate.write(content);
        }

        @Override
        public java.util.concurrent.CompletionStage<Optional<io.sparkk8s.staging.store.BundleDownload>> open(
            String id, String secret) {
            return delegate.open(id, secret);
        }

        @Override
        public java.util.concurrent.CompletionStage<Boolean> authorize(String id, String secret) {
            return delegate.authorize(id, secret);
        }

        @Override
        public java.util.concurrent.CompletionStage<Optional<io.sparkk8s.staging.store.BundleEntry>> find(String id) {
            return delegate.find(id);
        }

        @Override
        public java.util.concurrent.CompletionStage<List<io.sparkk8s.staging.store.BundleEntry>> list() {
            return delegate.list();
        }

        @Override
        public java.util.concurrent.CompletionStage<Boolean> markUsed(String id) {
            return delegate.markUsed(id);
        }

        @Override
        public java.util.concurrent.CompletionStage<Boolean> delete(String id) {
            return delegate.delete(id);
        }

        @Override
        public java.util.concurrent.CompletionStage<List<io.sparkk8s.staging.store.BundleEntry>> expireUnused(
            java.time.Instant createdBefore) {
            return delegate.expireUnused(createdBefore).whenComplete((r, e) -> runs.incrementAndGet());
        }
    }

    private static final class MovableClock extends Clock {
        private volatile java.time.Instant now;

        MovableClock(java.time.Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    private static final int LIMIT_MINUS_ONE_MIB = (int) LIMIT - 1024 * 1024;

    static Flow<ByteString, ByteString, org.apache.pekko.NotUsed> fullAfter(long bytes) {
        AtomicLong written = new AtomicLong();
        return Flow.of(ByteString.class).map(chunk -> {
            if (written.addAndGet(chunk.size()) > bytes) {
                throw new IOException("No space left on device");
            }
            return chunk;
        });
    }

    private void awaitNothingStored() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.storedFiles()).isEmpty());
    }

    private JsonNode uploadRaw(byte[] bundle) throws Exception {
        HttpResponse<String> upload = send(HttpRequest.newBuilder(server.uri(
                "/api/v1/resources?ownerNamespace=spark&ownerLabel=spark-app-selector=app-1"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return JSON.readTree(upload.body());
    }

    private HttpResponse<byte[]> download(String id, String authorization) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri("/api/v0/resources/" + id))
            .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static final String BOUNDARY = "staging-test-boundary-7d2f";

    record Part(String name, String filename, String contentType, byte[] content) {
    }

    static Part filePart(String name, byte[] content) {
        return new Part(name, "resources.tar", "application/octet-stream", content);
    }

    static Part jsonPart(String name, String json) {
        return new Part(name, null, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] multipartBody(List<Part> parts) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
                + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"")
                + "\r\nContent-Type: " + part.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(part.content());
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private HttpResponse<String> postMultipart(String path, List<Part> parts) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(multipartBody(parts))).build());
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
