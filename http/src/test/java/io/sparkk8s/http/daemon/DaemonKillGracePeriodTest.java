package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code DELETE /v1/submissions/{id}?gracePeriodSeconds=N} over real loopback HTTP: the value reaches the
 * backend's kill, and anything but a whole number of seconds from 0 is refused naming the parameter before
 * anything is killed. (That the pod gets it is shown against the real API server in it/.)
 */
class DaemonKillGracePeriodTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ActorSystem<Void> system;
    static DaemonTestServer server;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "kill-grace-test");
        server = new DaemonTestServer(system, dir);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        system.terminate();
    }

    private static String submit() throws Exception {
        return JSON.readTree(server.post(DaemonTestServer.TEAM_A, SubmissionDaemonRoutesTest.VALID).body()).get("id")
            .asText();
    }

    private static HttpResponse<String> delete(String id, String query) throws Exception {
        return server.send(server.request("/v1/submissions/" + id + query, DaemonTestServer.TEAM_A).DELETE().build());
    }

    @Test
    void theGracePeriodIsHandedToTheKillAndLeftOutWhenNotGiven() throws Exception {
        String graceful = submit();
        String immediate = submit();
        String plain = submit();

        HttpResponse<String> r = delete(graceful, "?gracePeriodSeconds=45");
        HttpResponse<String> zero = delete(immediate, "?gracePeriodSeconds=0");
        HttpResponse<String> without = delete(plain, "");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("state").asText()).isEqualTo("KILLED");
        assertThat(zero.statusCode()).as(zero.body()).isEqualTo(200);
        assertThat(without.statusCode()).as(without.body()).isEqualTo(200);
        assertThat(server.backend.killGracePeriods.get(graceful)).isEqualTo(OptionalLong.of(45));
        assertThat(server.backend.killGracePeriods.get(immediate)).isEqualTo(OptionalLong.of(0));
        assertThat(server.backend.killGracePeriods.get(plain)).isEqualTo(OptionalLong.empty());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"-1", "ten", "1.5", "", "+3", "1e3", " 5", "9999999999999999999", "0x10"})
    void anythingButWholeSecondsFromZeroIsAnswered400NamingTheParameterAndKillsNothing(String value)
        throws Exception {
        String id = submit();

        HttpResponse<String> r = delete(id, "?gracePeriodSeconds=" + URLEncoder.encode(value, StandardCharsets.UTF_8));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("error").asText()).isEqualTo("invalid_request");
        assertThat(error.get("field").asText()).isEqualTo("gracePeriodSeconds");
        assertThat(error.get("message").asText()).contains("'" + value + "'").contains("whole number of seconds, 0"
            + " or more");
        assertThat(server.backend.killGracePeriods).doesNotContainKey(id);
        assertThat(JSON.readTree(server.get("/v1/submissions/" + id, DaemonTestServer.TEAM_A).body()).get("state")
            .asText()).isEqualTo("PENDING");
    }
}
