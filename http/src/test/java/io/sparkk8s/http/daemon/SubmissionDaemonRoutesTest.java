package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionRejectedException;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.submit.SparkSubmitArguments;
import io.sparkk8s.http.UnreadBodyDrain;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The daemon's REST API over real loopback HTTP, with an in-memory backend. */
class SubmissionDaemonRoutesTest extends DaemonServerTest {

    static final String IMAGE = "\"spark.kubernetes.container.image\":\"apache/spark:3.5.3\"";
    static final String VALID = "{\"name\":\"pi\",\"namespace\":\"team-a\",\"mainClass\":"
        + "\"org.apache.spark.examples.SparkPi\",\"primaryResource\":\"local:///opt/spark/examples/jars/examples.jar\","
        + "\"args\":[\"100\"],\"conf\":{" + IMAGE + "}}";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void submitsAValidRequestAndAnswers201WithTheSubmission() throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A, VALID);

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("id").asText()).startsWith("spark-");
        assertThat(body.get("namespace").asText()).isEqualTo("team-a");
        assertThat(body.get("name").asText()).isEqualTo("pi");
        assertThat(r.headers().firstValue("Location")).contains("/v1/submissions/" + body.get("id").asText());
        var request = server.backend.requests.get(body.get("id").asText());
        assertThat(request.mainClass()).contains("org.apache.spark.examples.SparkPi");
        assertThat(request.appArgs()).containsExactly("100");
    }

    @Test
    void malformedJsonIsAnswered400NamingTheField() throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A,
            "{\"primaryResource\":\"local:///a.jar\",\"mainClass\": }");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo("mainClass");
        assertThat(body.get("message").asText()).contains("malformed JSON at line 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"primaryResource\":\"local:///a.jar\",\"args\":{\"a\":1}}|args",
        "{\"primaryResource\":\"local:///a.jar\",\"jars\":[[1]]}|jars[0]",
        "{\"primaryResource\":\"local:///a.jar\",\"conf\":[\"x\"]}|conf",
        "[1,2,3]|body",
        "\"text\"|body",
        "null|body",
        "{}|primaryResource",
        "{\"primaryResource\":\"local:///a.jar\"} trailing|body",
    })
    void aBodyOfTheWrongShapeIsAnswered400NamingTheField(String json, String field) throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A, json);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo(field);
    }

    @Test
    void anUnknownFieldIsAnswered400NamingItAndTheKnownOnes() throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A,
            "{\"primaryResource\":\"local:///a.jar\",\"mainClas\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo("mainClas");
        assertThat(body.get("message").asText()).contains("unknown field").contains("mainClass");
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void anInvalidValueIsRefusedWithTheCliMessageUnderItsJsonField() throws Exception {
        String cliMessage = catchThrowableOfType(InvalidConfigurationException.class, () -> SparkSubmitArguments
            .parse(List.of("--master", "k8s://https://127.0.0.1:6443", "--deploy-mode", "cluster",
                "--driver-memory=lots", "--class", "X", "--conf", "spark.kubernetes.container.image=i",
                "local:///a.jar"), Map.of())).problems().stream()
            .filter(p -> p.option().equals("--driver-memory") || p.option().equals("spark.driver.memory"))
            .findFirst().orElseThrow().getMessage();

        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A, "{\"primaryResource\":\"local:///a.jar\","
            + "\"mainClass\":\"X\",\"driverMemory\":\"lots\",\"conf\":{" + IMAGE + "}}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo("driverMemory");
        assertThat(body.get("message").asText()).isEqualTo(cliMessage);
    }

    @Test
    void anInvalidConfKeyValueIsNamedByItsConfField() throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A, "{\"primaryResource\":\"local:///a.jar\","
            + "\"mainClass\":\"X\",\"conf\":{" + IMAGE + ",\"spark.driver.cores\":\"many\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isIn("driverCores", "conf.spark.driver.cores");
        assertThat(body.get("message").asText()).contains("many");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"primaryResource\":\"/home/me/app.jar\",\"mainClass\":\"X\"}|primaryResource",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"jars\":[\"file:///etc/passwd\"]}|jars[0]",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"conf\":"
            + "{\"spark.kubernetes.driver.podTemplateFile\":\"/etc/shadow\"}}"
            + "|conf.spark.kubernetes.driver.podTemplateFile",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"conf\":"
            + "{\"spark.kubernetes.authenticate.submission.oauthToken\":\"t\"}}"
            + "|conf.spark.kubernetes.authenticate.submission.oauthToken",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"conf\":{\"spark.master\":\"local\"}}"
            + "|conf.spark.master",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"conf\":{\"spark.kubernetes.authenticate.driver"
            + ".oauthTokenFile\":\"/var/run/secrets/kubernetes.io/serviceaccount/token\"}}"
            + "|conf.spark.kubernetes.authenticate.driver.oauthTokenFile",
        "{\"primaryResource\":\"local:///a.jar\",\"mainClass\":\"X\",\"conf\":{\"spark.ssl.kubernetes"
            + ".resourceStagingServer.trustStore\":\"file:///etc/spark-k8s-daemon/tokens\"}}"
            + "|conf.spark.ssl.kubernetes.resourceStagingServer.trustStore",
    })
    void whatWouldReadTheDaemonsOwnFilesOrCredentialsIsRefused(String json, String field) throws Exception {
        HttpResponse<String> r = server.post(DaemonTestServer.ADMIN, json);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo(field);
        assertThat(server.backend.submits.get()).isZero();
    }

    /**
     * Failed about one run in five before {@link UnreadBodyDrain}: the daemon answered the declared length
     * before reading the body and closed the connection, and the JDK client, still sending, got no answer.
     * {@link UnreadBodyDrainTest} pins that down with raw sockets.
     */
    @Test
    void aBodyOverTheLimitIsAnswered413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        String big = "{\"primaryResource\":\"local:///a.jar\",\"args\":[\""
            + "x".repeat((int) DaemonTestServer.MAX_BODY) + "\"]}";

        HttpResponse<String> declared = server.post(DaemonTestServer.TEAM_A, big);
        HttpResponse<String> chunked = server.send(server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                big.getBytes(StandardCharsets.UTF_8)))).build());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(chunked.body()).get("error").asText()).isEqualTo("too_large");
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void anUnknownIdIsAnswered404OnEveryRouteOfASubmission() throws Exception {
        String id = "spark-00000000000000000000000000000000";

        assertThat(server.get("/v1/submissions/" + id, DaemonTestServer.ADMIN).statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/submissions/" + id + "/events", DaemonTestServer.ADMIN).statusCode())
            .isEqualTo(404);
        assertThat(server.get("/v1/submissions/" + id + "/log", DaemonTestServer.ADMIN).statusCode()).isEqualTo(404);
        assertThat(server.send(server.request("/v1/submissions/" + id, DaemonTestServer.ADMIN).DELETE().build())
            .statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/submissions/not%20an%20id", DaemonTestServer.ADMIN).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "NONE", value = {"NONE", "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "bearer  "})
    void aMissingOrUnknownTokenIsAnswered401WithoutDetail(String authorization) throws Exception {
        HttpRequest.Builder b = server.request("/v1/submissions", null).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(VALID));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }

        HttpResponse<String> r = server.send(b.build());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
            .startsWith("Bearer"));
        assertThat(r.body()).doesNotContain("team-a").doesNotContain("token-");
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aTokenForAnotherNamespaceIsAnswered403AndSeesNothingThere() throws Exception {
        String id = JSON.readTree(server.post(DaemonTestServer.TEAM_A, VALID).body()).get("id").asText();

        HttpResponse<String> submit = server.post(DaemonTestServer.TEAM_B, VALID);
        HttpResponse<String> list = server.get("/v1/submissions?namespace=team-a", DaemonTestServer.TEAM_B);
        HttpResponse<String> get = server.get("/v1/submissions/" + id, DaemonTestServer.TEAM_B);
        HttpResponse<String> kill = server.send(server.request("/v1/submissions/" + id, DaemonTestServer.TEAM_B)
            .DELETE().build());
        HttpResponse<String> all = server.get("/v1/submissions", DaemonTestServer.TEAM_B);

        assertThat(submit.statusCode()).isEqualTo(403);
        assertThat(submit.body()).doesNotContain("team-b").doesNotContain("shared");
        assertThat(list.statusCode()).isEqualTo(403);
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(kill.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(all.body()).get("items")).isEmpty();
        assertThat(server.backend.submissions.get(id).state()).isEqualTo(SubmissionState.PENDING);
    }

    @Test
    void aRetriedPostWithTheSameIdempotencyKeySubmitsOnce() throws Exception {
        HttpRequest.Builder b = server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .header("Content-Type", "application/json").header("Idempotency-Key", "job-42-attempt-1")
            .POST(HttpRequest.BodyPublishers.ofString(VALID));

        HttpResponse<String> first = server.send(b.build());
        HttpResponse<String> second = server.send(b.build());

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(JSON.readTree(second.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        assertThat(server.backend.submits.get()).isEqualTo(1);
    }

    @Test
    void aReplayedKeyWithAnotherBodyIsAnswered422NamingTheHeaderAndTheSameRequestStillReplays() throws Exception {
        String key = "job-43";
        // The same request written differently: other field order, white space.
        String sameRequest = "{ \"conf\": {" + IMAGE + "}, \"args\": [\"100\"], \"primaryResource\":"
            + " \"local:///opt/spark/examples/jars/examples.jar\","
            + " \"mainClass\": \"org.apache.spark.examples.SparkPi\", \"namespace\": \"team-a\", \"name\": \"pi\" }";
        String otherRequest = VALID.replace("\"100\"", "\"1000\"");

        HttpResponse<String> first = server.send(keyed(key, VALID));
        HttpResponse<String> other = server.send(keyed(key, otherRequest));
        HttpResponse<String> same = server.send(keyed(key, sameRequest));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(other.statusCode()).isEqualTo(422);
        JsonNode refused = JSON.readTree(other.body());
        assertThat(refused.get("error").asText()).isEqualTo("idempotency_key_reused");
        assertThat(refused.get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(refused.get("message").asText()).contains(JSON.readTree(first.body()).get("id").asText());
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(same.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        assertThat(server.backend.submits.get()).isEqualTo(1);
    }

    private HttpRequest keyed(String key, String json) {
        return server.request("/v1/submissions", DaemonTestServer.TEAM_A).header("Content-Type", "application/json")
            .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    void anIdempotencyKeyWithSpacesOrTooLongIsAnswered400NamingTheHeader() throws Exception {
        for (String key : List.of("has space", "k".repeat(256))) {
            HttpResponse<String> r = server.send(server.request("/v1/submissions", DaemonTestServer.TEAM_A)
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(VALID)).build());

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("Idempotency-Key");
        }
    }

    @Test
    void listFiltersByNamespaceStateAndLabelAndPagesWithoutGapsOrRepeats() throws Exception {
        for (int i = 0; i < 7; i++) {
            server.backend.add("spark-a" + i, "app" + (i % 2), "team-b", i < 5 ? SubmissionState.RUNNING
                : SubmissionState.FAILED);
        }
        server.backend.add("spark-x", "app0", "shared", SubmissionState.RUNNING);
        server.backend.add("spark-y", "app0", "team-a", SubmissionState.RUNNING);

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            HttpResponse<String> r = server.get("/v1/submissions?namespace=team-b&state=running&limit=2"
                + (token == null ? "" : "&pageToken=" + token), DaemonTestServer.TEAM_B);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            body.get("items").forEach(item -> seen.add(item.get("id").asText()));
            token = body.has("nextPageToken") ? body.get("nextPageToken").asText() : null;
            pages++;
        } while (token != null);

        assertThat(seen).containsExactly("spark-a0", "spark-a1", "spark-a2", "spark-a3", "spark-a4");
        assertThat(pages).isEqualTo(3);
        JsonNode labelled = JSON.readTree(server.get("/v1/submissions?label=app%3Dapp0&state=RUNNING,FAILED",
            DaemonTestServer.TEAM_B).body());
        assertThat(labelled.get("items")).extracting(n -> n.get("id").asText())
            .containsExactly("spark-a0", "spark-a2", "spark-a4", "spark-a6", "spark-x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "state=DONE|state", "limit=0|limit", "limit=51|limit", "limit=ten|limit", "label=noequals|label",
        "label=bad%20key%3Dv|label", "namespace=Not_A_Namespace|namespace", "pageToken=forged|pageToken"})
    void badListParametersAreAnswered400NamingTheParameter(String query, String field) throws Exception {
        HttpResponse<String> r = server.get("/v1/submissions?" + query, DaemonTestServer.ADMIN);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo(field);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"connection refused,503,kubernetes_unavailable", "invalid pod,422,submission_failed",
        "ask timeout,504,timeout", "queue full,503,busy"})
    void aFailedSubmitSaysWhetherRetryingLaterCanHelp(String failure, int status, String error) throws Exception {
        SubmissionStatus failed = new SubmissionStatus("spark-f", "pi", "team-a", "pi-driver", SubmissionState.FAILED,
            Optional.empty(), Optional.of("SubmissionFailed"), Optional.of(failure), java.time.Instant.now());
        server.backend.failNextSubmit = switch (failure) {
            case "connection refused" -> new SubmissionFailedException(failed, new java.net.ConnectException(failure));
            case "invalid pod" -> new SubmissionFailedException(failed, new KubernetesClientException(failure, 422,
                null));
            case "ask timeout" -> new java.util.concurrent.TimeoutException(failure);
            default -> new SubmissionRejectedException(failure);
        };

        HttpResponse<String> r = server.post(DaemonTestServer.TEAM_A, VALID);

        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo(error);
        if (status == 503) {
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void aSubmitThatOutlastsTheRequestTimeoutIsAnswered504WithARequestIdBeforeTheServerGivesUp() throws Exception {
        try (DaemonTestServer quick = new DaemonTestServer(system,
            java.nio.file.Files.createDirectories(dir.resolve("quick")), java.time.Duration.ofSeconds(3))) {
            quick.backend.failNextSubmit = new InMemorySubmissionBackend.NeverAnswers();

            HttpResponse<String> r = quick.post(DaemonTestServer.TEAM_A, VALID);

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(JSON.readTree(r.body()).get("message").asText()).contains("Idempotency-Key");
        }
    }

    @Test
    void deleteKillsTheSubmission() throws Exception {
        String id = JSON.readTree(server.post(DaemonTestServer.TEAM_A, VALID).body()).get("id").asText();

        HttpResponse<String> r = server.send(server.request("/v1/submissions/" + id, DaemonTestServer.TEAM_A)
            .DELETE().build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("state").asText()).isEqualTo("KILLED");
        assertThat(JSON.readTree(server.get("/v1/submissions/" + id, DaemonTestServer.TEAM_A).body()).get("state")
            .asText()).isEqualTo("KILLED");
    }

    @Test
    void eventsAreServerSentEventsEndingAfterTheTerminalState() throws Exception {
        String id = JSON.readTree(server.post(DaemonTestServer.TEAM_A, VALID).body()).get("id").asText();

        HttpResponse<String> r = server.get("/v1/submissions/" + id + "/events", DaemonTestServer.TEAM_A);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
            .startsWith("text/event-stream"));
        List<String> states = new ArrayList<>();
        for (String event : r.body().split("\n\n")) {
            assertThat(event).startsWith("event: status\ndata: ");
            states.add(JSON.readTree(event.substring(event.indexOf("data: ") + 6)).get("state").asText());
        }
        assertThat(states).containsExactly("PENDING", "RUNNING", "SUCCEEDED");
    }

    @Test
    void logReturnsTheLastLinesAndRefusesABadTail() throws Exception {
        String id = JSON.readTree(server.post(DaemonTestServer.TEAM_A, VALID).body()).get("id").asText();

        HttpResponse<String> r = server.get("/v1/submissions/" + id + "/log?tail=3", DaemonTestServer.TEAM_A);
        HttpResponse<String> bad = server.get("/v1/submissions/" + id + "/log?tail=-1", DaemonTestServer.TEAM_A);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("field").asText()).isEqualTo("tail");
    }

    @Test
    void healthReadinessMetricsAndTheDocumentNeedNoToken() throws Exception {
        server.post(DaemonTestServer.TEAM_A, VALID);
        server.post(DaemonTestServer.TEAM_A, "{");

        assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/openapi.yaml", null).body()).startsWith("openapi: 3");
        HttpResponse<String> metrics = server.get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("sparkk8s_daemon_submissions_total{outcome=\"created\"} 1")
            .contains("sparkk8s_daemon_submissions_total{outcome=\"invalid\"} 1")
            .contains("sparkk8s_daemon_submit_duration_seconds_count 2")
            .contains("sparkk8s_daemon_requests_in_flight 1")
            .contains("sparkk8s_daemon_kubernetes_api_errors_total 0");
    }

    @Test
    void everyResponseCarriesARequestIdAndASaneOneIsKept() throws Exception {
        HttpResponse<String> generated = server.get("/healthz", null);
        HttpResponse<String> kept = server.send(server.request("/nowhere", null).header("X-Request-Id", "abc-123")
            .GET().build());
        HttpResponse<String> replaced = server.send(server.request("/healthz", null)
            .header("X-Request-Id", "bad id with spaces").GET().build());

        assertThat(generated.headers().firstValue("X-Request-Id")).hasValueSatisfying(v -> assertThat(v)
            .hasSize(36));
        assertThat(kept.headers().firstValue("X-Request-Id")).contains("abc-123");
        assertThat(replaced.headers().firstValue("X-Request-Id")).isPresent().get().isNotEqualTo("bad id with spaces");
    }

    @Test
    void aRequestCutOffMidBodyLeavesNoSubmission() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + DaemonTestServer.TEAM_A
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                + VALID.substring(0, 40)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).doesNotContain("HTTP/1.1 201").doesNotContain("HTTP/1.1 5");
        }
        assertThat(server.backend.submits.get()).isZero();
        assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(Optional.of(server.metrics.render())).isPresent();
    }
}
