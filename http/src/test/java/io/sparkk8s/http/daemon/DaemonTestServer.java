package io.sparkk8s.http.daemon;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A daemon on a loopback port over an {@link InMemorySubmissionBackend}, with three tokens:
 * {@code team-a} (namespace {@code team-a}), {@code team-b} (namespaces {@code team-b}, {@code shared})
 * and {@code admin} (every namespace).
 */
final class DaemonTestServer implements AutoCloseable {

    static final String TEAM_A = "token-team-a-0123456789";
    static final String TEAM_B = "token-team-b-0123456789";
    static final String ADMIN = "token-admin-0123456789";
    static final long MAX_BODY = 16 * 1024;

    final InMemorySubmissionBackend backend = new InMemorySubmissionBackend();
    final DaemonMetrics metrics = new DaemonMetrics();
    final SubmissionDaemon daemon;
    final URI base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    DaemonTestServer(ActorSystem<?> system, Path dir) throws Exception {
        this(system, dir, Duration.ofSeconds(30));
    }

    DaemonTestServer(ActorSystem<?> system, Path dir, Duration requestTimeout) throws Exception {
        this(system, dir, requestTimeout, Optional.empty());
    }

    /** A daemon that streams multipart requests' bundles to the staging server {@code uploads} names. */
    DaemonTestServer(ActorSystem<?> system, Path dir, Duration requestTimeout, Optional<UploadSettings> uploads)
        throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# test tokens\n" + TEAM_A + " team-a\n" + TEAM_B + " team-b,shared\n"
            + ADMIN + " *\n");
        DaemonSettings settings = new DaemonSettings("127.0.0.1", 0, tokens, MAX_BODY, 50, 10,
            Duration.ofMillis(100), 1000, Duration.ofSeconds(30), requestTimeout, Optional.empty());
        daemon = SubmissionDaemon.start(system, settings, uploads, backend,
            new SubmissionTranslator("k8s://https://127.0.0.1:6443"), new ReloadingTokens(tokens), metrics)
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + daemon.binding().localAddress().getPort());
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String token, String json) throws Exception {
        return send(request("/v1/submissions", token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send(request(path, token).GET().build());
    }

    /** Closes {@code system}'s client connection pools, then terminates it. */
    static void terminate(ActorSystem<?> system) throws Exception {
        org.apache.pekko.http.javadsl.Http.get(system).shutdownAllConnectionPools().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        system.terminate();
    }

    @Override
    public void close() throws Exception {
        daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
