package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real server on a loopback port: the route testkit is JUnit 4 only. */
class ResourceStagingRoutesTest {

    private static ActorSystem<Void> system;
    private static ServerBinding binding;
    private static URI base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "staging-routes-test");
        binding = ResourceStagingServerMain.bind(system, "127.0.0.1", 0).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
    }

    @AfterAll
    static void stopServer() throws Exception {
        binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void pingAnswersPongAsTheOriginalServerDid() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/v0/ping")).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("pong");
    }

    @Test
    void unknownPathsAre404() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/v0/nope")).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }
}
