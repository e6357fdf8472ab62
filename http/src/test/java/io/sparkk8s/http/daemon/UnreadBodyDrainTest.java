package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.http.RawHttp;
import io.sparkk8s.http.UnreadBodyDrain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Answers to requests whose body the daemon does not read to its end, over raw loopback sockets: the
 * client sends its request head and then its body as separate writes, as HTTP clients do, and only then
 * reads. Before {@link UnreadBodyDrain}, the daemon answered as soon as it had the head and closed the
 * connection with the body unread, which resets it: the client got no answer.
 */
class UnreadBodyDrainTest extends DaemonServerTest {

    private static final int TIMEOUT_MS = 20_000;

    @Test
    void aDeclaredOversizeBodySentInFullBeforeReadingIsAnswered413OnAConnectionThatStaysUsable() throws Exception {
        byte[] body = bytes(UnreadBodyDrain.SWALLOW_BYTES / 2);
        try (Socket socket = connect()) {
            RawHttp.send(socket, RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Content-Length: " + body.length + "\r\n"), body);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());
            RawHttp.Response next = healthzOn(socket);

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.body()).contains("\"too_large\"");
            assertThat(refused.closesConnection()).isFalse();
            assertThat(next.status()).isEqualTo(200);
        }
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aBodyTooLongToReadBeforeAnsweringIsStillReadAfterTheAnswerSoAClientSendingItFirstGetsThe413()
        throws Exception {
        byte[] body = bytes(UnreadBodyDrain.SWALLOW_BYTES + UnreadBodyDrain.LINGER_BYTES / 2);
        try (Socket socket = connect()) {
            RawHttp.send(socket, RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Content-Length: " + body.length + "\r\n"), body);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.body()).contains("\"too_large\"");
            assertThat(refused.closesConnection()).isTrue();
            assertThat(socket.getInputStream().read()).as("the connection ends after the answer").isEqualTo(-1);
        }
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aChunkedOversizeBodySentInFullBeforeReadingIsAnswered413OnAConnectionThatStaysUsable() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Transfer-Encoding: chunked\r\n"));
            out.flush();
            byte[] chunk = bytes(4096);
            for (long sent = 0; sent <= DaemonTestServer.MAX_BODY; sent += chunk.length) {
                out.write(("1000\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());
            RawHttp.Response next = healthzOn(socket);

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.body()).contains("\"too_large\"");
            assertThat(next.status()).isEqualTo(200);
        }
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void bodiesOfRequestsAnsweredWithoutReadingThemAreReadBeforeTheAnswer() throws Exception {
        byte[] body = bytes(64 * 1024);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();

            out.write(("GET /healthz HTTP/1.1\r\nHost: daemon\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write(body);
            out.flush();
            RawHttp.Response health = RawHttp.read(in);
            out.write(("POST /v1/submissions HTTP/1.1\r\nHost: daemon\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write(body);
            out.flush();
            RawHttp.Response unauthorized = RawHttp.read(in);
            out.write(RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Idempotency-Key: has spaces\r\nContent-Length: " + body.length + "\r\n"));
            out.flush();
            out.write(body);
            out.flush();
            RawHttp.Response badKey = RawHttp.read(in);

            assertThat(health.status()).isEqualTo(200);
            assertThat(unauthorized.status()).isEqualTo(401);
            assertThat(badKey.status()).isEqualTo(400);
            assertThat(badKey.body()).contains("Idempotency-Key");
            assertThat(healthzOn(socket).status()).isEqualTo(200);
        }
    }

    @Test
    void aHugeDeclaredBodyIsAnswered413WhileTheClientSendsAndIsNotReadToItsEnd() throws Exception {
        long declared = 1L << 30;
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Content-Length: " + declared + "\r\n"));
            out.flush();
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                byte[] chunk = bytes(64 * 1024);
                long n = 0;
                try {
                    while (n < declared) {
                        out.write(chunk);
                        n += chunk.length;
                    }
                } catch (IOException closedByTheDaemon) {
                    return n;
                }
                return n;
            }, writer);

            RawHttp.Response refused = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.body()).contains("\"too_large\"");
            assertThat(refused.closesConnection()).isTrue();
            // The daemon closes the connection after a bounded drain instead of reading a gigabyte.
            assertThat(sent.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isLessThan(declared);
        } finally {
            writer.shutdownNow();
        }
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aClientThatWaitsFor100ContinueIsRefusedWithoutBeingAskedForItsBody() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.postHead("/v1/submissions", DaemonTestServer.TEAM_A,
                "Expect: 100-continue\r\nContent-Length: " + (DaemonTestServer.MAX_BODY + 1) + "\r\n"));
            out.flush();

            RawHttp.Response first = RawHttp.read(socket.getInputStream());

            assertThat(first.status()).isEqualTo(413);
            assertThat(first.closesConnection()).isTrue();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.base.getPort());
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    private static RawHttp.Response healthzOn(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: daemon\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return RawHttp.read(socket.getInputStream());
    }

    private static byte[] bytes(long n) {
        byte[] bytes = new byte[(int) n];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
