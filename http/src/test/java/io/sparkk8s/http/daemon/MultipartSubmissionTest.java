package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The multipart POST over real loopback HTTP, with a real staging server behind the daemon: bundles
 * are streamed through and handed to the submission; too large, malformed or failed requests leave
 * nothing staged.
 */
class MultipartSubmissionTest extends StagingBackedDaemonTest {

    static final long MAX_BUNDLE = 256 * 1024;

    @Override
    long maxBundle() {
        return MAX_BUNDLE;
    }

    @Override
    Duration requestTimeout() {
        return Duration.ofSeconds(30);
    }

    @Test
    void eachBundlePartIsStagedOwnedByTheNewDriverPodAndHandedToTheSubmission() throws Exception {
        byte[] jars = tar(Map.of("etl.jar", random(40_000), "dep.jar", random(30_000)));
        byte[] files = tar(Map.of("job.conf", "rows=10\n".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION.getBytes(
            StandardCharsets.UTF_8)), part("jars", "application/x-tar", jars), part("files", "application/x-tar",
            files)), Optional.empty(), false);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).get("id").asText();
        List<SubmittedResourceIdAndSecret> handed = server.backend.stagedBundles.get(id);
        assertThat(handed).hasSize(2);
        assertThat(download(handed.get(0))).isEqualTo(jars);
        assertThat(download(handed.get(1))).isEqualTo(files);
        assertThat(indexEntries()).hasSize(2);
        assertThat(indexText()).contains(id).contains("team-a");
        assertThat(server.backend.requests.get(id).sparkConf().get("spark.jars")).contains("dep.jar");
    }

    @Test
    void uploadedArchivesTravelInTheFilesBundleAndKeepTheirNameInSparkArchives() throws Exception {
        byte[] files = tar(Map.of("job.conf", "rows=10\n".getBytes(StandardCharsets.UTF_8), "env.tgz", random(5_000),
            "model.zip", random(3_000)));
        String submission = "{\"name\":\"etl\",\"namespace\":\"team-a\",\"mainClass\":\"com.example.Etl\","
            + "\"primaryResource\":\"local:///opt/etl.jar\",\"files\":[\"job.conf\"],\"archives\":[\"env.tgz#py-env\","
            + "\"model.zip\",\"https://repo.example.com/r.tgz#r\"],\"conf\":{"
            + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.3\"}}";

        HttpResponse<String> r = post(multipart(part("submission", "application/json", submission.getBytes(
            StandardCharsets.UTF_8)), part("files", "application/x-tar", files)), Optional.empty(), false);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).get("id").asText();
        StagedUploads uploads = (StagedUploads) server.backend.staged.get(id).stager();
        assertThat(uploads.fileNames()).containsExactlyInAnyOrder("job.conf", "env.tgz", "model.zip");
        assertThat(uploads.jarNames()).isEmpty();
        assertThat(download(server.backend.stagedBundles.get(id).get(0))).isEqualTo(files);
        assertThat(server.backend.requests.get(id).sparkConf().get("spark.archives"))
            .contains("env.tgz#py-env,model.zip,https://repo.example.com/r.tgz#r");
    }

    @Test
    void anArchiveNameTheDaemonCannotTakeIsAnswered400NamingItsEntryAndNothingIsStaged() throws Exception {
        for (String archive : List.of("env.tgz#../up", "dir/env.tgz", "env.tgz#")) {
            String submission = "{\"name\":\"etl\",\"namespace\":\"team-a\",\"mainClass\":\"com.example.Etl\","
                + "\"primaryResource\":\"local:///opt/etl.jar\",\"archives\":[\"" + archive + "\"],\"conf\":{"
                + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.3\"}}";

            HttpResponse<String> r = post(multipart(part("submission", "application/json", submission.getBytes(
                StandardCharsets.UTF_8)), part("files", "application/x-tar", tar(Map.of("env.tgz", random(10))))),
                Optional.empty(), false);

            assertThat(r.statusCode()).as(archive + ": " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("archives[0]");
        }
        assertThat(indexEntries()).isEmpty();
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aStreamedPartOverTheLimitIsAnswered413AndNothingIsStagedOrSubmitted() throws Exception {
        byte[] small = tar(Map.of("etl.jar", random(1000), "dep.jar", random(1000)));
        byte[] huge = tar(Map.of("job.conf", random((int) MAX_BUNDLE + 10_000)));

        // Chunked (no Content-Length): the limit trips while the files part streams, after jars was staged.
        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION.getBytes(
            StandardCharsets.UTF_8)), part("jars", "application/x-tar", small), part("files", "application/x-tar",
            huge)), Optional.empty(), true);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("message").asText()).contains("files").contains("max-bundle-size");
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void aDeclaredLengthOverTheWholeLimitIsAnswered413BeforeAnythingIsRead() throws Exception {
        byte[] huge = tar(Map.of("etl.jar", random((int) (2 * MAX_BUNDLE) + 100_000)));

        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION.getBytes(
            StandardCharsets.UTF_8)), part("jars", "application/x-tar", huge)), Optional.empty(), false);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(storedFiles()).isEmpty();
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void aFailedSubmissionDeletesWhatItStaged() throws Exception {
        server.backend.failNextSubmit = new SubmissionFailedException(new SubmissionStatus("spark-x", "etl", "team-a",
            "etl-driver", SubmissionState.FAILED, Optional.empty(), Optional.empty(),
            Optional.of("the API server refused the pod"), Instant.now()), null);

        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION.getBytes(
            StandardCharsets.UTF_8)), part("jars", "application/x-tar", tar(Map.of("etl.jar", random(100),
            "dep.jar", random(100)))), part("files", "application/x-tar", tar(Map.of("job.conf", random(10))))),
            Optional.empty(), false);

        assertThat(r.statusCode()).isEqualTo(422);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(indexEntries()).isEmpty());
    }

    @Test
    void aMissingBundleThatTheSubmissionNamesIsAnswered400AndWhatWasStagedIsDeleted() throws Exception {
        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION.getBytes(
            StandardCharsets.UTF_8)), part("jars", "application/x-tar", tar(Map.of("etl.jar", random(100),
            "dep.jar", random(100))))), Optional.empty(), false);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo("files");
        assertThat(body.get("message").asText()).contains("job.conf");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(indexEntries()).isEmpty());
        assertThat(server.backend.submits.get()).isZero();
    }

    @Test
    void partsInTheWrongOrderOrUnknownOrUnnamedByTheSubmissionAreAnswered400NamingThePart() throws Exception {
        byte[] bundle = tar(Map.of("x.jar", random(10)));
        byte[] remoteOnly = ("{\"namespace\":\"team-a\",\"mainClass\":\"X\",\"primaryResource\":\"local:///a.jar\","
            + "\"conf\":{\"spark.kubernetes.container.image\":\"i\"}}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> first = post(multipart(part("jars", "application/x-tar", bundle),
            part("submission", "application/json", SUBMISSION.getBytes(StandardCharsets.UTF_8))), Optional.empty(),
            false);
        HttpResponse<String> unknown = post(multipart(part("submission", "application/json", remoteOnly),
            part("extras", "application/x-tar", bundle)), Optional.empty(), false);
        HttpResponse<String> unnamed = post(multipart(part("submission", "application/json", remoteOnly),
            part("jars", "application/x-tar", bundle)), Optional.empty(), false);

        assertThat(List.of(first, unknown, unnamed)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        assertThat(JSON.readTree(first.body()).get("field").asText()).isEqualTo("jars");
        assertThat(JSON.readTree(unknown.body()).get("field").asText()).isEqualTo("extras");
        assertThat(JSON.readTree(unnamed.body()).get("field").asText()).isEqualTo("jars");
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void theSubmissionPartIsValidatedLikeTheJsonPost() throws Exception {
        byte[] bad = "{\"namespace\":\"team-a\",\"primaryResource\":\"../etc/app.jar\",\"driverMemory\":\"lots\"}"
            .getBytes(StandardCharsets.UTF_8);
        byte[] otherTeam = SUBMISSION.replace("team-a", "team-b").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> invalid = post(multipart(part("submission", "application/json", bad)), Optional.empty(),
            false);
        HttpResponse<String> forbidden = post(multipart(part("submission", "application/json", otherTeam),
            part("jars", "application/x-tar", tar(Map.of("etl.jar", random(10))))), Optional.empty(), false);

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("field").asText()).isEqualTo("primaryResource");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aReplayWithTheSameKeyAndBodyAnswersTheFirstSubmissionWithoutStagingAgain() throws Exception {
        byte[] jars = tar(Map.of("etl.jar", random(500), "dep.jar", random(500)));
        byte[] files = tar(Map.of("job.conf", random(5)));
        byte[] body = multipart(part("submission", "application/json", SUBMISSION.getBytes(StandardCharsets.UTF_8)),
            part("jars", "application/x-tar", jars), part("files", "application/x-tar", files));

        HttpResponse<String> first = post(body, Optional.of("etl-2026-11-25"), false);
        HttpResponse<String> again = post(body, Optional.of("etl-2026-11-25"), false);
        HttpResponse<String> other = post(multipart(part("submission", "application/json", SUBMISSION.replace(
            "job.conf", "other.conf").getBytes(StandardCharsets.UTF_8)), part("jars", "application/x-tar", jars),
            part("files", "application/x-tar", tar(Map.of("other.conf", random(5))))), Optional.of("etl-2026-11-25"),
            false);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(other.body()).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(server.backend.submits.get()).isEqualTo(1);
        assertThat(indexEntries()).hasSize(2);
    }

    @Test
    void withoutAStagingServerAMultipartPostIsAnswered415() throws Exception {
        try (DaemonTestServer plain = new DaemonTestServer(system, Files.createDirectories(dir.resolve("plain")))) {
            HttpResponse<String> r = plain.send(plain.request("/v1/submissions", DaemonTestServer.TEAM_A)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(part("submission", "application/json",
                    SUBMISSION.getBytes(StandardCharsets.UTF_8))))).build());

            assertThat(r.statusCode()).isEqualTo(415);
            assertThat(JSON.readTree(r.body()).get("message").asText()).contains("staging-server-uri");
        }
    }

    // --- helpers


    private HttpResponse<String> post(byte[] body, Optional<String> key, boolean chunked) throws Exception {
        HttpRequest.Builder b = server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body));
        key.ifPresent(k -> b.header("Idempotency-Key", k));
        return server.send(b.build());
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (var e : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private byte[] download(SubmittedResourceIdAndSecret bundle) throws Exception {
        return stagingClient.download(bundle.resourceId(), bundle.resourceSecret(),
                Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat))
            .toCompletableFuture().get(10, TimeUnit.SECONDS).toArray();
    }

    private List<Path> indexEntries() throws IOException {
        // The store keeps each index entry next to its content: blobs/<id>.json.
        return storedFiles().stream().filter(p -> store.relativize(p).startsWith("blobs")
            && p.getFileName().toString().endsWith(".json")).toList();
    }

    private String indexText() throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path p : indexEntries()) {
            texts.add(Files.readString(p));
        }
        return String.join("\n", texts);
    }
}
