package io.sparkk8s.submission.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a real HTTP server on a loopback port that answers as the daemon's API documents. */
class SubmissionDaemonClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "t0ken";
    private static final String PI = "{\"id\":\"spark-1\",\"name\":\"pi\",\"namespace\":\"team-a\","
        + "\"driverPodName\":\"pi-1-driver\",\"state\":\"PENDING\",\"observedAt\":\"2026-11-25T15:00:00Z\","
        + "\"aFieldOfALaterVersion\":1}";

    HttpServer server;
    URI base;
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/prefix/v1/submissions", this::answer);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prefix");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String target = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        seen.add(target + " key=" + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
        byte[] in = exchange.getRequestBody().readAllBytes();
        if (in.length > 0) {
            bodies.add(JSON.readTree(in));
        }
        if (!("Bearer " + TOKEN).equals(auth)) {
            send(exchange, 401, "application/json", "{\"error\":\"unauthorized\",\"message\":\"unauthorized\"}");
        } else if (target.equals("POST /prefix/v1/submissions")) {
            send(exchange, 201, "application/json", PI);
        } else if (target.equals("GET /prefix/v1/submissions/spark-1")) {
            send(exchange, 200, "application/json", PI);
        } else if (target.equals("DELETE /prefix/v1/submissions/spark-1")) {
            send(exchange, 200, "application/json", PI.replace("PENDING", "KILLED"));
        } else if (target.equals("GET /prefix/v1/submissions/spark%20bad")) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_request\",\"field\":\"id\","
                + "\"message\":\"not an id\"}");
        } else if (target.equals("GET /prefix/v1/submissions/spark-proxy")) {
            send(exchange, 502, "text/html", "<html>Bad gateway</html>");
        } else if (target.startsWith("GET /prefix/v1/submissions?&namespace=team-a&state=RUNNING")) {
            boolean first = !target.contains("pageToken");
            String item = PI.replace("spark-1", first ? "spark-1" : "spark-2");
            send(exchange, 200, "application/json", "{\"items\":[" + item + "]"
                + (first ? ",\"nextPageToken\":\"p 2\"" : "") + "}");
        } else if (target.equals("GET /prefix/v1/submissions/spark-1/events")) {
            send(exchange, 200, "text/event-stream", "event: status\ndata: " + PI + "\n\n:\n\n"
                + "event: status\ndata: " + PI.replace("PENDING", "RUNNING") + "\n\n"
                + "event: status\ndata: " + PI.replace("PENDING", "SUCCEEDED") + "\n\n");
        } else if (target.equals("GET /prefix/v1/submissions/spark-1/log?tail=2")) {
            send(exchange, 200, "text/plain", "a\nb\n");
        } else {
            send(exchange, 404, "application/json", "{\"error\":\"not_found\",\"message\":\"no such submission\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private SubmissionDaemonClient client(String token) {
        return SubmissionDaemonClient.create(base, token);
    }

    @Test
    void submitsTheRequestAsJsonWithTokenAndIdempotencyKeyUnderThePathPrefix() {
        DaemonSubmissionRequest request = new DaemonSubmissionRequest("pi", "team-a", "org.example.Pi",
            "local:///opt/app.jar", List.of("10"), List.of("https://repo/x.jar"), null, null, null, "2g", null, null,
            null, null, Map.of("spark.kubernetes.container.image", "apache/spark:3.5.3"));

        DaemonSubmission submitted = client(TOKEN).submit(request, Optional.of("nightly-1")).toCompletableFuture()
            .join();

        assertThat(submitted).isEqualTo(new DaemonSubmission("spark-1", "pi", "team-a", "pi-1-driver", "PENDING",
            null, null, null, "2026-11-25T15:00:00Z"));
        assertThat(seen).containsExactly("POST /prefix/v1/submissions key=nightly-1");
        JsonNode body = bodies.get(0);
        assertThat(body.get("primaryResource").asText()).isEqualTo("local:///opt/app.jar");
        assertThat(body.get("jars").get(0).asText()).isEqualTo("https://repo/x.jar");
        assertThat(body.get("conf").get("spark.kubernetes.container.image").asText()).isEqualTo("apache/spark:3.5.3");
        assertThat(body.has("files")).as("null fields are left out").isFalse();
    }

    @Test
    void readsKillsListsEveryPageFollowsEventsAndTailsTheLog() {
        SubmissionDaemonClient client = client(TOKEN);

        assertThat(client.status("spark-1").toCompletableFuture().join().state()).isEqualTo("PENDING");
        assertThat(client.kill("spark-1").toCompletableFuture().join().isTerminal()).isTrue();
        assertThat(client.list(Optional.of("team-a"), List.of("RUNNING")).toCompletableFuture().join())
            .extracting(DaemonSubmission::id).containsExactly("spark-1", "spark-2");
        assertThat(seen)
            .contains("GET /prefix/v1/submissions?&namespace=team-a&state=RUNNING&pageToken=p%202 key=null");
        List<String> states = new ArrayList<>();
        DaemonSubmission last = client.watch("spark-1", s -> states.add(s.state())).toCompletableFuture().join();
        assertThat(states).containsExactly("PENDING", "RUNNING", "SUCCEEDED");
        assertThat(last.isTerminal()).isTrue();
        assertThat(client.log("spark-1", 2).toCompletableFuture().join()).isEqualTo("a\nb\n");
    }

    @Test
    void refusalsCarryStatusCodeFieldAndTheDaemonsMessage() {
        assertThatThrownBy(() -> client(TOKEN).status("spark bad").toCompletableFuture().join())
            .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(DaemonClientException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.error()).isEqualTo("invalid_request");
                assertThat(e.field()).contains("id");
                assertThat(e.detail()).isEqualTo("not an id");
            });
        assertThatThrownBy(() -> client("wrong").status("spark-1").toCompletableFuture().join()).cause()
            .isInstanceOfSatisfying(DaemonClientException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> client(TOKEN).watch("spark-nope", s -> { }).toCompletableFuture().join()).cause()
            .isInstanceOfSatisfying(DaemonClientException.class, e -> assertThat(e.error()).isEqualTo("not_found"));
    }

    @Test
    void anAnswerThatIsNotTheDaemonsJsonIsReportedAsIs() {
        assertThatThrownBy(() -> client(TOKEN).status("spark-proxy").toCompletableFuture().join()).cause()
            .isInstanceOfSatisfying(DaemonClientException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.error()).isEqualTo("unknown");
                assertThat(e.detail()).isEqualTo("<html>Bad gateway</html>");
            });
    }

    @Test
    void aDaemonThatIsNotThereFailsWithTheConnectionError() {
        server.stop(0);

        assertThatThrownBy(() -> client(TOKEN).status("spark-1").toCompletableFuture().join())
            .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ConnectException.class);
    }
}
