package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's {@code --daemon} against an HTTP server on a loopback port that answers as the daemon's API
 * documents: what is sent, what is printed, the exit codes. The real daemon and API server run the same
 * in it/ (CliThroughDaemonIT).
 */
class SubmissionCliDaemonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "cli-t0ken";

    @TempDir
    Path dir;

    HttpServer server;
    String url;
    Path tokenFile;
    String finalState = "SUCCEEDED";
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> keys = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/submissions", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String submission(String id, String pod, String state) {
        return "{\"id\":\"" + id + "\",\"name\":\"pi\",\"namespace\":\"jobs\",\"driverPodName\":\"" + pod
            + "\",\"state\":\"" + state + "\",\"observedAt\":\"2026-11-25T15:00:00Z\"}";
    }

    private void answer(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestMethod() + " " + exchange.getRequestURI();
        requests.add(target);
        byte[] in = exchange.getRequestBody().readAllBytes();
        if (in.length > 0) {
            bodies.add(JSON.readTree(in));
        }
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "{\"error\":\"unauthorized\",\"message\":\"unauthorized\"}");
        } else if (target.equals("POST /v1/submissions")) {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            if (unavailable.getAndDecrement() > 0) {
                send(exchange, 503, "{\"error\":\"kubernetes_unavailable\",\"message\":\"try again\"}");
            } else {
                send(exchange, 201, submission("spark-1", "pi-1-driver", "SUBMITTED"));
            }
        } else if (target.equals("GET /v1/submissions?&namespace=jobs")) {
            send(exchange, 200, "{\"items\":[" + submission("spark-2", "pi-2-driver", "RUNNING") + ","
                + submission("spark-1", "pi-1-driver", "PENDING") + "," + submission("spark-3", "other-driver",
                    "RUNNING") + "]}");
        } else if (target.equals("GET /v1/submissions?&namespace=forbidden")) {
            send(exchange, 403, "{\"error\":\"forbidden\",\"message\":\"forbidden\"}");
        } else if (target.startsWith("DELETE /v1/submissions/spark-")) {
            send(exchange, 200, submission(target.substring(target.lastIndexOf('/') + 1), "x", "KILLED"));
        } else if (target.equals("GET /v1/submissions/spark-1/events")) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            send(exchange, 200, "event: status\ndata: " + submission("spark-1", "pi-1-driver", "RUNNING") + "\n\n"
                + "event: status\ndata: " + submission("spark-1", "pi-1-driver", finalState) + "\n\n");
        } else {
            send(exchange, 404, "{\"error\":\"not_found\",\"message\":\"no such submission\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(bytes);
        }
    }

    private int cli(String... args) {
        out.reset();
        err.reset();
        return SubmissionCli.run(Map.of("HOME", "/nonexistent"), writer(out), writer(err), args);
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String[] submit(String... more) {
        List<String> args = new ArrayList<>(List.of("submit", "--daemon", url, "--daemon-token-file",
            tokenFile.toString(), "--name", "pi", "--class", "org.example.Pi",
            "--conf", "spark.kubernetes.namespace=jobs",
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.3",
            "--conf", "spark.kubernetes.authenticate.submission.oauthToken=secret"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void submitsThroughTheDaemonWithoutMasterAndPrintsTheDirectPathsId() {
        int exit = cli(submit("--jars", "https://repo.example/dep.jar", "--driver-memory", "2g",
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/app.jar", "10", "--daemon", "not-ours"));

        assertThat(exit).as(stderr()).isZero();
        assertThat(stdout()).isEqualTo("jobs:pi-1-driver" + System.lineSeparator());
        assertThat(stderr()).contains("Submitted application pi (spark-1) as driver pod jobs:pi-1-driver");
        assertThat(requests).containsExactly("POST /v1/submissions");
        JsonNode body = bodies.get(0);
        assertThat(body.get("name").asText()).isEqualTo("pi");
        assertThat(body.get("namespace").asText()).isEqualTo("jobs");
        assertThat(body.get("mainClass").asText()).isEqualTo("org.example.Pi");
        assertThat(body.get("primaryResource").asText()).isEqualTo("local:///opt/app.jar");
        assertThat(JSON.convertValue(body.get("args"), List.class)).containsExactly("10", "--daemon", "not-ours");
        assertThat(JSON.convertValue(body.get("jars"), List.class)).containsExactly("https://repo.example/dep.jar");
        Map<String, String> conf = JSON.convertValue(body.get("conf"), new TypeReference<Map<String, String>>() { });
        assertThat(conf).containsEntry("spark.driver.memory", "2g")
            .containsEntry("spark.kubernetes.container.image", "apache/spark:3.5.3")
            .doesNotContainKeys("spark.master", "spark.submit.deployMode", "spark.jars", "spark.kubernetes.namespace",
                "spark.kubernetes.authenticate.submission.oauthToken");
        assertThat(stderr()).contains("spark.kubernetes.authenticate.submission.oauthToken: ignored with --daemon");
    }

    @Test
    void retriesWhatTheDaemonSaysMayBeRetriedUnderOneIdempotencyKey() {
        unavailable.set(1);

        int exit = cli(submit("--conf", "spark.kubernetes.submission.waitAppCompletion=false", "local:///opt/app.jar"));

        assertThat(exit).as(stderr()).isZero();
        assertThat(stderr()).contains("the daemon answered 503 kubernetes_unavailable (try again); retrying (2/3)");
        assertThat(keys).hasSize(2).doesNotContainNull().allMatch(k -> k.equals(keys.get(0)));
        assertThat(stdout()).isEqualTo("jobs:pi-1-driver" + System.lineSeparator());

        unavailable.set(3);
        assertThat(cli(submit("--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/app.jar"))).isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(stderr())
            .contains("Error: the daemon at " + url + "/ answered 503 kubernetes_unavailable: try again");
        assertThat(keys).hasSize(5);
    }

    @Test
    void waitsForTheEndThroughTheEventStreamAndExitsOneWhenTheApplicationFailed() {
        finalState = "FAILED";

        int exit = cli(submit("local:///opt/app.jar"));

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_APP_FAILED);
        assertThat(stderr()).contains("Driver jobs:pi-1-driver: RUNNING")
            .contains("Application pi (jobs:pi-1-driver) finished: FAILED");
        finalState = "SUCCEEDED";
        assertThat(cli(submit("local:///opt/app.jar"))).isZero();
    }

    @Test
    void refusesLocalDependenciesNamingTheOptionAndSendsNothing() throws IOException {
        Path jar = Files.writeString(dir.resolve("dep.jar"), "not really a jar");

        int exit = cli(submit("--jars", jar.toString(), "local:///opt/app.jar"));

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--jars: '" + jar + "' is a file on this machine, and --daemon uploads nothing")
            .contains("submit without --daemon");
        assertThat(requests).isEmpty();
    }

    @Test
    void reportsStatusOfIdsAndGlobsInTheDirectPathsFormat() {
        assertThat(cli("status", "jobs:pi-*", "--daemon", url, "--daemon-token-file", tokenFile.toString()))
            .as(stderr()).isZero();

        String nl = System.lineSeparator();
        assertThat(stdout()).isEqualTo("jobs:pi-1-driver\tPending\tspark-1\t2026-11-25T15:00:00Z" + nl
            + "jobs:pi-2-driver\tRunning\tspark-2\t2026-11-25T15:00:00Z" + nl);
        assertThat(cli("submit", "--daemon=" + url, "--daemon-token-file=" + tokenFile, "--status", "jobs:nothing"))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--status: no driver pod matches 'jobs:nothing' in namespace jobs");
    }

    @Test
    void killsEveryMatchThroughTheDaemon() {
        int exit = cli("kill", "jobs:pi-*", "--daemon", url, "--daemon-token-file", tokenFile.toString());

        assertThat(exit).as(stderr()).isZero();
        assertThat(stdout()).isEqualTo("killed jobs:pi-1-driver" + System.lineSeparator() + "killed jobs:pi-2-driver"
            + System.lineSeparator());
        assertThat(requests).contains("DELETE /v1/submissions/spark-1", "DELETE /v1/submissions/spark-2")
            .doesNotContain("DELETE /v1/submissions/spark-3");
    }

    @Test
    void aTokenTheDaemonRefusesIsAnApiErrorNamingTheTokenFile() throws IOException {
        Files.writeString(tokenFile, "wrong");

        int exit = cli("status", "jobs:pi-1-driver", "--daemon", url, "--daemon-token-file", tokenFile.toString());

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(stderr()).contains("did not accept the token in --daemon-token-file " + tokenFile + " (401)");
        Files.writeString(tokenFile, TOKEN);
        assertThat(cli("status", "forbidden:pi", "--daemon", url, "--daemon-token-file", tokenFile.toString()))
            .isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(stderr()).contains("may not use namespace forbidden (403");
    }

    @Test
    void badDaemonOptionsAreUsageErrorsNamingTheOption() {
        assertThat(cli("status", "jobs:pi", "--daemon", url)).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--daemon-token-file: missing");
        assertThat(cli("status", "jobs:pi", "--daemon", "ftp://host", "--daemon-token-file", tokenFile.toString()))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--daemon: 'ftp://host' is not an http(s) URL");
        assertThat(cli("status", "jobs:pi", "--daemon-token-file", tokenFile.toString()))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--daemon-token-file: given without --daemon URL");
        assertThat(cli("status", "jobs:pi", "--daemon", url, "--daemon-token-file", dir.resolve("none").toString()))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--daemon-token-file: cannot read '" + dir.resolve("none") + "'");
        assertThat(cli("status", "jobs:pi", "--daemon", url, "--daemon-token-file", tokenFile.toString(),
            "--daemon-ca-file", tokenFile.toString())).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--daemon-ca-file: given, but --daemon " + url + "/ is not https://");
        assertThat(cli(submit("--dry-run", "local:///opt/app.jar"))).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--dry-run: not available with --daemon");
        assertThat(requests).isEmpty();
    }

    @Test
    void aDaemonThatIsNotThereIsAnApiError() {
        server.stop(0);

        int exit = cli("status", "jobs:pi", "--daemon", url, "--daemon-token-file", tokenFile.toString());

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(stderr()).contains("Error: cannot reach the daemon at " + url + "/ (--daemon)");
    }

    @Test
    void submitHelpListsTheDaemonOptions() {
        assertThat(cli("submit", "--help")).isZero();

        assertThat(stdout()).contains("--daemon URL").contains("--daemon-token-file FILE")
            .contains("--daemon-ca-file");
    }
}
