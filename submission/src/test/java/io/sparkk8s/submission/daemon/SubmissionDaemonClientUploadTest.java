package io.sparkk8s.submission.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's multipart submit against a real HTTP server on a loopback port that reads the body as the
 * daemon does: the parts and their order, the declared length, the tar bundles' entries byte for byte, and
 * that the files are read while the body is sent (not packed beforehand).
 */
class SubmissionDaemonClientUploadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "t0ken";
    private static final String CREATED = "{\"id\":\"spark-1\",\"name\":\"etl\",\"namespace\":\"team-a\","
        + "\"driverPodName\":\"etl-1-driver\",\"state\":\"PENDING\"}";
    /** Larger than what the loopback socket and both HTTP stacks can buffer, so the sender must wait. */
    private static final int BIG = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    HttpServer server;
    URI base;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Completed by the server once it read the first bytes of the body; it then waits for {@link #resume}. */
    volatile CompletableFuture<Void> started = new CompletableFuture<>();
    volatile CompletableFuture<Void> resume = CompletableFuture.completedFuture(null);

    record Received(Map<String, String> headers, byte[] body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/submissions", this::answer);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] first = in.readNBytes(4096);
            started.complete(null);
            resume.get(30, TimeUnit.SECONDS);
            byte[] rest = in.readAllBytes();
            byte[] body = new byte[first.length + rest.length];
            System.arraycopy(first, 0, body, 0, first.length);
            System.arraycopy(rest, 0, body, first.length, rest.length);
            received.add(new Received(Map.of(
                "content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                "content-length", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Length")),
                "transfer-encoding", String.valueOf(exchange.getRequestHeaders().getFirst("Transfer-Encoding")),
                "idempotency-key", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))), body));
        } catch (IOException e) {
            // the client abandoned the request (a test of a failed upload)
            exchange.close();
            return;
        } catch (Exception e) {
            throw new IOException(e);
        }
        byte[] bytes = CREATED.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(201, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static DaemonSubmissionRequest request() {
        return new DaemonSubmissionRequest("etl", "team-a", "com.example.Etl", "etl.jar", null, List.of("dep.jar"),
            List.of("app.conf", "empty.txt"), null, null, null, null, null, null, null, null);
    }

    @Test
    void sendsTheSubmissionThenOneTarBundlePerPartHoldingExactlyTheLocalFiles() throws IOException {
        byte[] etl = random(300_000, 1);
        Path etlJar = Files.write(dir.resolve("etl.jar"), etl);
        Path depJar = Files.write(Files.createDirectories(dir.resolve("lib")).resolve("dep.jar"), random(1025, 2));
        Path conf = Files.writeString(dir.resolve("app.conf"), "a = 1\n");
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        String longName = "x".repeat(150) + ".jar";
        Path longJar = Files.writeString(dir.resolve(longName), "long");

        DaemonSubmission submitted = SubmissionDaemonClient.create(base, TOKEN)
            .submit(request(), new DaemonUploads(List.of(etlJar, depJar, longJar, etlJar), List.of(conf, empty)),
                Optional.of("key-1"))
            .toCompletableFuture().join();

        assertThat(submitted.id()).isEqualTo("spark-1");
        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(r.headers()).containsEntry("authorization", "Bearer " + TOKEN)
            .containsEntry("idempotency-key", "key-1")
            .as("the declared length is exact").containsEntry("content-length", String.valueOf(r.body().length))
            .containsEntry("transfer-encoding", "null");
        List<MultipartParts.Part> parts = MultipartParts.parse(r.headers().get("content-type"), r.body());
        assertThat(parts).extracting(MultipartParts.Part::name).containsExactly("submission", "jars", "files");
        assertThat(parts.get(0).headers()).containsEntry("content-type", "application/json");
        JsonNode json = JSON.readTree(parts.get(0).content());
        assertThat(json.get("primaryResource").asText()).isEqualTo("etl.jar");
        assertThat(json.get("jars").get(0).asText()).isEqualTo("dep.jar");
        assertThat(parts.get(1).headers()).containsEntry("content-type", "application/x-tar");

        Map<String, byte[]> jars = MultipartParts.untar(parts.get(1).content());
        assertThat(jars.keySet()).as("a file given twice is packed once").containsExactly("etl.jar", "dep.jar",
            longName);
        assertThat(jars.get("etl.jar")).isEqualTo(etl);
        assertThat(jars.get("dep.jar")).isEqualTo(Files.readAllBytes(depJar));
        assertThat(jars.get(longName)).isEqualTo("long".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> files = MultipartParts.untar(parts.get(2).content());
        assertThat(files.keySet()).containsExactly("app.conf", "empty.txt");
        assertThat(new String(files.get("app.conf"), StandardCharsets.UTF_8)).isEqualTo("a = 1\n");
        assertThat(files.get("empty.txt")).isEmpty();
    }

    @Test
    void theFilesAreReadWhileTheBodyIsSentAndEachAttemptReadsThemAgain() throws Exception {
        Path big = Files.write(dir.resolve("etl.jar"), random(BIG, 3));
        Path conf = Files.writeString(dir.resolve("app.conf"), "version = 1\n");
        DaemonUploads uploads = new DaemonUploads(List.of(big), List.of(conf));
        SubmissionDaemonClient client = SubmissionDaemonClient.create(base, TOKEN);
        resume = new CompletableFuture<>();

        CompletableFuture<DaemonSubmission> first = client.submit(request(), uploads, Optional.of("k"))
            .toCompletableFuture();
        started.get(30, TimeUnit.SECONDS);
        // the server holds the body after its first bytes: the big jar cannot have been sent yet, so app.conf
        // has not been read either; what it holds now is what must arrive
        Files.writeString(conf, "version = 2\n");
        resume.complete(null);
        first.get(30, TimeUnit.SECONDS);

        Files.writeString(conf, "version = 3\n");
        client.submit(request(), uploads, Optional.of("k")).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(received).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Received r = received.get(i);
            List<MultipartParts.Part> parts = MultipartParts.parse(r.headers().get("content-type"), r.body());
            assertThat(MultipartParts.untar(parts.get(1).content()).get("etl.jar")).hasSize(BIG)
                .isEqualTo(Files.readAllBytes(big));
            assertThat(new String(MultipartParts.untar(parts.get(2).content()).get("app.conf"),
                StandardCharsets.UTF_8)).isEqualTo("version = " + (i + 2) + "\n");
        }
    }

    @Test
    void aFileThatShrinksWhileItIsSentFailsTheSubmitNamingTheFile() throws Exception {
        Path big = Files.write(dir.resolve("etl.jar"), random(BIG, 4));
        resume = new CompletableFuture<>();

        CompletableFuture<DaemonSubmission> submit = SubmissionDaemonClient.create(base, TOKEN)
            .submit(request(), new DaemonUploads(List.of(big), List.of()), Optional.empty()).toCompletableFuture();
        started.get(30, TimeUnit.SECONDS);
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(BIG / 2);
        }
        resume.complete(null);

        assertThatThrownBy(submit::join).isInstanceOf(CompletionException.class)
            .satisfies(e -> {
                UploadFileException cause = uploadFailure(e);
                assertThat(cause.file()).isEqualTo(big);
                assertThat(cause.getMessage()).contains("became shorter while it was sent");
            });
        assertThat(received).isEmpty();
    }

    @Test
    void aFileWhoseSizeChangesBeforeItIsSentFailsTheSubmitNamingTheFile() throws Exception {
        Path big = Files.write(dir.resolve("etl.jar"), random(BIG, 5));
        Path conf = Files.writeString(dir.resolve("app.conf"), "short\n");
        resume = new CompletableFuture<>();

        CompletableFuture<DaemonSubmission> submit = SubmissionDaemonClient.create(base, TOKEN)
            .submit(request(), new DaemonUploads(List.of(big), List.of(conf)), Optional.empty())
            .toCompletableFuture();
        started.get(30, TimeUnit.SECONDS);
        Files.writeString(conf, "a longer line than before\n");
        resume.complete(null);

        assertThatThrownBy(submit::join).satisfies(e -> {
            UploadFileException cause = uploadFailure(e);
            assertThat(cause.file()).isEqualTo(conf);
            assertThat(cause.getMessage())
                .contains("its size changed since the request started (6 bytes then, 26 now)");
        });
        assertThat(received).isEmpty();
    }

    private static UploadFileException uploadFailure(Throwable e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof UploadFileException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("an UploadFileException in %s", e).isNotNull();
        return (UploadFileException) cause;
    }

    @Test
    void filesTheDaemonCannotTakeAreRefusedBeforeAnythingIsSent() throws IOException {
        Path spaced = Files.writeString(dir.resolve("my dep.jar"), "x");
        Path a = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("dep.jar"), "a");
        Path b = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("dep.jar"), "b");

        assertThatThrownBy(() -> new DaemonUploads(List.of(spaced), List.of()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("my dep.jar")
            .hasMessageContaining("rename");
        assertThatThrownBy(() -> new DaemonUploads(List.of(a, b), List.of()))
            .hasMessageContaining("the jars bundle already holds " + a.toAbsolutePath());
        assertThatThrownBy(() -> new DaemonUploads(List.of(), List.of(dir.resolve("a"))))
            .hasMessageContaining("not a readable regular file");
        assertThatThrownBy(() -> new DaemonUploads(List.of(dir.resolve("missing.jar")), List.of()))
            .hasMessageContaining("missing.jar: not a readable regular file");
        assertThat(new DaemonUploads(List.of(a), List.of(b)).isEmpty()).isFalse();
        assertThat(received).isEmpty();
    }
}
