package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sparkk8s.http.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads the staging server refuses (over the size limit, a bad owner), sent over raw loopback sockets as
 * HTTP clients send them: the head, then the whole body, and only then reading. Before the upload routes
 * went behind {@link io.sparkk8s.http.UnreadBodyDrain}, the server answered from the head and closed the
 * connection with the body unread, which resets it: such a client got no answer, only a reset.
 */
class UploadRefusalOverRawSocketTest {

    private static final long LIMIT = 64 * 1024;
    private static final String RAW = "/api/v1/resources?ownerNamespace=spark&ownerLabel=spark-app-selector=app-1";

    private static ActorSystem<Void> system;

    @TempDir
    Path root;

    private StagingTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "upload-refusal-test");
    }

    @AfterAll
    static void stopSystem() {
        system.terminate();
    }

    @BeforeEach
    void start() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(root, LIMIT));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnswered413ToAClientThatSendsTheWholeBodyFirst() throws Exception {
        byte[] body = bytes(1024 * 1024);
        try (Socket socket = connect()) {
            RawHttp.send(socket, head("PUT", RAW, "Content-Length: " + body.length), body);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(413);
            assertThat(ping(socket).status()).as("the same connection answers the next request").isEqualTo(200);
        }
        awaitNothingStored();
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnswered413AndTheConnectionStaysUsable() throws Exception {
        try (Socket socket = connect()) {
            RawHttp.send(socket, head("POST", RAW, "Transfer-Encoding: chunked"), chunked(bytes(1024 * 1024)));

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(413);
            assertThat(ping(socket).status()).isEqualTo(200);
        }
        awaitNothingStored();
    }

    @Test
    void aBadOwnerIsAnswered400NamingItToAClientThatSendsTheWholeBodyFirst() throws Exception {
        byte[] body = bytes(1024);
        try (Socket socket = connect()) {
            RawHttp.send(socket, head("POST", "/api/v1/resources?ownerLabel=a=b", "Content-Length: " + body.length),
                body);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("ownerNamespace");
            assertThat(ping(socket).status()).isEqualTo(200);
        }
        awaitNothingStored();
    }

    @Test
    void aMultipartUploadOverTheLimitIsAnswered413ToAClientThatSendsTheWholeBodyFirst() throws Exception {
        String boundary = "raw-socket-boundary";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"resourcesOwner\"\r\n"
            + "Content-Type: application/json\r\n\r\n" + ResourceStagingServerTest.OWNER_JSON + "\r\n--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"resources\"; filename=\"r.tgz\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        form.write(bytes(1024 * 1024));
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] body = form.toByteArray();
        try (Socket socket = connect()) {
            RawHttp.send(socket, head("POST", "/api/v0/resources", "Content-Type: multipart/form-data; boundary="
                + boundary + "\r\nContent-Length: " + body.length), body);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(413);
        }
        awaitNothingStored();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.base.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] head(String method, String target, String headers) {
        return (method + " " + target + " HTTP/1.1\r\nHost: staging\r\n" + headers + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    private static RawHttp.Response ping(Socket socket) throws IOException {
        socket.getOutputStream().write(head("GET", "/api/v0/ping", "Accept: */*"));
        socket.getOutputStream().flush();
        return RawHttp.read(socket.getInputStream());
    }

    private static byte[] chunked(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < data.length; offset += 16 * 1024) {
            int size = Math.min(16 * 1024, data.length - offset);
            out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, offset, size);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private void awaitNothingStored() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.storedFiles()).isEmpty());
    }
}
