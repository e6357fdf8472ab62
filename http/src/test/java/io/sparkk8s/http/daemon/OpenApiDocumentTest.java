package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document and the routes agree: every documented operation is routed, every method a
 * documented path does not list is refused by routing, paths that are not documented are not routed,
 * and the request schema lists exactly the fields the daemon reads.
 */
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static final String NOT_ROUTED = "The requested resource could not be found.";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static ActorSystem<Void> system;
    static DaemonTestServer server;
    static String id;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "openapi-test");
        server = new DaemonTestServer(system, dir);
        id = new ObjectMapper().readTree(server.post(DaemonTestServer.ADMIN, SubmissionDaemonRoutesTest.VALID)
            .body()).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        system.terminate();
    }

    static JsonNode document() throws Exception {
        return YAML.readTree(SubmissionDaemonRoutes.openApiDocument());
    }

    @Test
    void theDocumentInTheRepositoryIsTheOneServed() throws Exception {
        Path inRepo = Path.of("src/main/resources/io/sparkk8s/http/daemon/openapi.yaml");

        HttpResponse<String> served = server.get("/v1/openapi.yaml", null);

        assertThat(served.body()).isEqualTo(Files.readString(inRepo));
        assertThat(document().get("openapi").asText()).startsWith("3.");
    }

    @Test
    void everyDocumentedOperationIsRoutedAndNoOtherMethodIs() throws Exception {
        List<String> disagreements = new ArrayList<>();
        JsonNode paths = document().get("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext();) {
            String path = it.next();
            JsonNode operations = paths.get(path);
            for (String method : METHODS) {
                boolean documented = operations.has(method);
                HttpResponse<String> r = call(method, path.replace("{id}", id));
                boolean routed = r.statusCode() != 405 && !(r.statusCode() == 404 && r.body().equals(NOT_ROUTED));
                if (documented != routed) {
                    disagreements.add(method.toUpperCase() + " " + path + ": documented " + documented + ", answered "
                        + r.statusCode());
                } else if (documented) {
                    String status = String.valueOf(r.statusCode());
                    if (!operations.get(method).get("responses").has(status)) {
                        disagreements.add(method.toUpperCase() + " " + path + ": answered " + status
                            + ", which the document does not list");
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void pathsOutsideTheDocumentAreNotRouted() throws Exception {
        for (String path : List.of("/v1/submissions/" + id + "/status", "/v1/submission", "/v2/submissions",
            "/v1/submissions/" + id + "/events/x", "/health")) {
            HttpResponse<String> r = call("get", path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo(NOT_ROUTED);
        }
    }

    @Test
    void theRequestSchemaListsExactlyTheFieldsOfTheBody() throws Exception {
        Set<String> documented = new TreeSet<>();
        document().at("/components/schemas/SubmissionRequest/properties").fieldNames()
            .forEachRemaining(documented::add);
        Set<String> read = new TreeSet<>();
        for (var component : SubmissionBody.class.getRecordComponents()) {
            read.add(component.getName());
        }

        assertThat(documented).isEqualTo(read);
        assertThat(document().at("/components/schemas/SubmissionRequest/additionalProperties").asBoolean(true))
            .isFalse();
    }

    @Test
    void theMultipartBodyListsExactlyThePartsTheDaemonReadsWithTheSubmissionFirst() throws Exception {
        JsonNode multipart = document().at("/paths/~1v1~1submissions/post/requestBody/content/multipart~1form-data");
        List<String> documented = new ArrayList<>();
        multipart.at("/schema/properties").fieldNames().forEachRemaining(documented::add);

        assertThat(documented).containsExactly(MultipartSubmissions.SUBMISSION, MultipartSubmissions.JARS,
            MultipartSubmissions.FILES);
        assertThat(multipart.at("/schema/properties/submission/$ref").asText())
            .isEqualTo("#/components/schemas/SubmissionRequest");
        assertThat(multipart.at("/schema/required").get(0).asText()).isEqualTo(MultipartSubmissions.SUBMISSION);
        assertThat(document().at("/paths/~1v1~1submissions/post/requestBody/description").asText())
            .contains("\"submission\" (the JSON, first)");
    }

    @Test
    void theStatusesTheSubmitAnswersForUploadsAndReusedKeysAreDocumented() throws Exception {
        JsonNode responses = document().at("/paths/~1v1~1submissions/post/responses");

        assertThat(responses.has("415")).isTrue();
        assertThat(responses.at("/422/description").asText()).contains("idempotency_key_reused");
        assertThat(responses.at("/201/description").asText()).contains("PENDING");
        assertThat(responses.at("/502/description").asText()).contains("staging_server_error")
            .contains("kubernetes_api_error");
    }

    @Test
    void theBundleContentsCheckIsDocumentedWithTheAnswerItGives() throws Exception {
        JsonNode post = document().at("/paths/~1v1~1submissions/post");

        assertThat(post.at("/requestBody/description").asText()).contains("exactly the files the submission names")
            .doesNotContain("not checked");
        assertThat(post.at("/responses/400/description").asText()).contains(MultipartSubmissions.JARS)
            .contains(MultipartSubmissions.FILES).contains("Nothing was staged");
        assertThat(post.at("/responses/400/content/application~1json/schema/$ref").asText())
            .isEqualTo("#/components/schemas/Error");
    }

    @Test
    void theKillOfAFinishedSubmissionIsDocumentedAsDeletingItsPod() throws Exception {
        JsonNode kill = document().at("/paths/~1v1~1submissions~1{id}/delete");

        assertThat(kill.at("/description").asText()).contains("whatever its phase").contains("SUCCEEDED");
        assertThat(kill.at("/responses/200/description").asText()).contains("deleted all the same");
    }

    @Test
    void theKillsGracePeriodIsDocumentedAsTheRouteReadsIt() throws Exception {
        JsonNode kill = document().at("/paths/~1v1~1submissions~1{id}/delete");
        List<String> parameters = new ArrayList<>();
        kill.get("parameters").forEach(p -> parameters.add(p.get("name").asText() + " in " + p.get("in").asText()));
        JsonNode grace = kill.get("parameters").get(0);
        String other = new ObjectMapper().readTree(server.post(DaemonTestServer.ADMIN, SubmissionDaemonRoutesTest.VALID)
            .body()).get("id").asText();

        HttpResponse<String> refused = call("delete", "/v1/submissions/" + other + "?gracePeriodSeconds=-1");
        HttpResponse<String> killed = call("delete", "/v1/submissions/" + other + "?gracePeriodSeconds=7");

        assertThat(parameters).containsExactly("gracePeriodSeconds in query");
        assertThat(grace.at("/schema/type").asText()).isEqualTo("integer");
        assertThat(grace.at("/schema/minimum").asInt(-1)).isZero();
        assertThat(grace.get("description").asText()).contains("spark.kubernetes.appKillPodDeletionGracePeriod");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(kill.at("/responses").has("400")).isTrue();
        assertThat(new ObjectMapper().readTree(refused.body()).get("field").asText())
            .isEqualTo(grace.get("name").asText());
        assertThat(killed.statusCode()).isEqualTo(200);
        assertThat(server.backend.killGracePeriods.get(other)).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void theSubmissionSchemaListsExactlyTheFieldsOfTheView() throws Exception {
        Set<String> documented = new TreeSet<>();
        document().at("/components/schemas/Submission/properties").fieldNames().forEachRemaining(documented::add);
        Set<String> written = new TreeSet<>();
        for (var component : SubmissionView.class.getRecordComponents()) {
            written.add(component.getName());
        }

        assertThat(documented).isEqualTo(written);
    }

    private static HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest.Builder b = server.request(path, DaemonTestServer.ADMIN).header("Content-Type",
            "application/json");
        String body = method.equals("post") ? SubmissionDaemonRoutesTest.VALID : "";
        return server.send(b.method(method.toUpperCase(), body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
