package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 seeded random requests (garbage bodies, mutated valid bodies, random paths, methods, headers
 * and tokens) over real loopback HTTP: none may get a 5xx, and the daemon must answer after them.
 */
class DaemonFuzzTest {

    private static final long SEED = 0x5eed_d43e_f022L;
    private static final int REQUESTS = 10_000;
    private static final int PARALLEL = 16;
    private static final List<String> PATHS = List.of("/v1/submissions", "/v1/submissions/", "/v1/submissions/%s",
        "/v1/submissions/%s/events", "/v1/submissions/%s/log?tail=%s", "/v1/submissions?namespace=%s&state=%s",
        "/v1/submissions?label=%s&limit=%s&pageToken=%s", "/healthz", "/readyz", "/metrics", "/v1/openapi.yaml",
        "/%s", "/v1/%s", "/v1/submissions/%s/%s");
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD");
    private static final List<String> FIELDS = List.of("name", "namespace", "mainClass", "primaryResource", "args",
        "jars", "files", "pyFiles", "archives", "driverMemory", "driverCores", "executorMemory", "executorCores",
        "numExecutors", "conf", "bogus", "");
    private static final List<String> VALUES = List.of("\"local:///a.jar\"", "\"/etc/passwd\"", "\"\"", "null",
        "1", "-1", "1e999", "true", "[]", "{}", "[\"x\",1,null]", "{\"spark.driver.memory\":\"lots\"}",
        "{\"spark.kubernetes.container.image\":\"i\"}", "\"team-a\"", "\"NoSuchNs_!\"", "\"\\u0000\"",
        "\"" + "x".repeat(300) + "\"", "[[[[[[[[[[]]]]]]]]]]", "\"--conf\"", "\"k8s://x\"");

    @TempDir
    Path dir;

    @Test
    void tenThousandGarbageRequestsGetNo5xxAndTheDaemonStaysHealthy() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "daemon-fuzz-test",
            ConfigFactory.parseString("pekko.http.server.parsing.illegal-header-warnings = off")
                .withFallback(ConfigFactory.load()));
        try (DaemonTestServer server = new DaemonTestServer(system, dir)) {
            server.post(DaemonTestServer.TEAM_A, SubmissionDaemonRoutesTest.VALID);
            String knownId = server.backend.submissions.keySet().iterator().next();
            Random random = new Random(SEED);
            Semaphore slots = new Semaphore(PARALLEL);
            Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
            Map<String, String> fiveHundreds = new ConcurrentHashMap<>();
            Map<HttpRequest, Throwable> unanswered = new ConcurrentHashMap<>();
            CompletableFuture<?>[] all = new CompletableFuture<?>[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                HttpRequest request = randomRequest(random, server.base, knownId);
                slots.acquire();
                // A HEAD with a body is a protocol error: the HTTP layer answers 4xx and closes the connection
                // (as it should), which a pooled client could otherwise hit with its next request.
                boolean protocolError = request.method().equals("HEAD") && request.bodyPublisher()
                    .map(p -> p.contentLength() != 0).orElse(false);
                all[i] = (protocolError ? HttpClient.newHttpClient() : server.http)
                    .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        slots.release();
                        int status = response == null ? -1 : response.statusCode();
                        byStatus.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                        if (status >= 500) {
                            fiveHundreds.put(request.method() + " " + request.uri(), response.body());
                        } else if (status == -1) {
                            unanswered.put(request, failure);
                        }
                        return null;
                    });
            }
            CompletableFuture.allOf(all).join();

            assertThat(fiveHundreds).as("requests answered 5xx; statuses %s", byStatus).isEmpty();
            // Every request gets an answer, also on pooled connections: the daemon reads what it leaves of a body
            // before answering (UnreadBodyDrain), so it no longer resets connections a client still writes to.
            assertThat(unanswered).as("requests with no answer: %s", unanswered).isEmpty();
            assertThat(byStatus.keySet()).as("the fuzz reached several outcomes").hasSizeGreaterThan(4);
            assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
            assertThat(server.post(DaemonTestServer.TEAM_A, SubmissionDaemonRoutesTest.VALID).statusCode())
                .isEqualTo(201);
        } finally {
            system.terminate();
        }
    }

    private static HttpRequest randomRequest(Random random, URI base, String knownId) {
        String template = pick(random, PATHS);
        Object[] args = new Object[4];
        for (int i = 0; i < args.length; i++) {
            args[i] = random.nextInt(4) == 0 ? knownId : garbageToken(random);
        }
        String path = String.format(template, args);
        String method = pick(random, METHODS);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        switch (random.nextInt(5)) {
            case 0 -> b.header("Authorization", "Bearer " + DaemonTestServer.TEAM_A);
            case 1 -> b.header("Authorization", "Bearer " + DaemonTestServer.ADMIN);
            case 2 -> b.header("Authorization", "Bearer " + garbageToken(random));
            case 3 -> b.header("Authorization", garbageToken(random));
            default -> { }
        }
        if (random.nextBoolean()) {
            b.header("Content-Type", pick(random, List.of("application/json", "text/plain", "multipart/form-data",
                "application/x-www-form-urlencoded", "application/json; charset=latin1")));
        }
        if (random.nextInt(4) == 0) {
            b.header("Idempotency-Key", garbageToken(random));
        }
        if (random.nextInt(8) == 0) {
            b.header("X-Request-Id", garbageToken(random));
        }
        byte[] body = randomBody(random);
        return b.method(method, body.length == 0 && random.nextBoolean() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] randomBody(Random random) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] bytes = new byte[random.nextInt(2048)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 1 -> {
                byte[] valid = SubmissionDaemonRoutesTest.VALID.getBytes(StandardCharsets.UTF_8);
                for (int i = random.nextInt(5); i >= 0; i--) {
                    valid[random.nextInt(valid.length)] = (byte) random.nextInt(128);
                }
                return valid;
            }
            case 2 -> {
                StringBuilder json = new StringBuilder("{");
                for (int i = random.nextInt(6); i >= 0; i--) {
                    json.append('"').append(pick(random, FIELDS)).append("\":").append(pick(random, VALUES));
                    if (i > 0) {
                        json.append(',');
                    }
                }
                return json.append(random.nextInt(10) == 0 ? "" : "}").toString().getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return random.nextBoolean() ? new byte[0] : "x".repeat(random.nextInt(40_000))
                    .getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private static String garbageToken(Random random) {
        String alphabet = "abcXYZ019-_.~%20!$'()*+,;=:@";
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(80); i >= 0; i--) {
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            out.append(c == '%' ? "%2" + Integer.toHexString(random.nextInt(16)) : String.valueOf(c));
        }
        return out.toString();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
