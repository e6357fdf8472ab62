package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sparkk8s.submission.daemon.MultipartParts;
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
    volatile boolean noUploads;
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<List<MultipartParts.Part>> multiparts = new CopyOnWriteArrayList<>();
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
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (type.startsWith("multipart/") && noUploads) {
            send(exchange, 415, "{\"error\":\"uploads_disabled\",\"field\":\"Content-Type\",\"message\":"
                + "\"this daemon takes no multipart submissions\"}");
            return;
        }
        if (type.startsWith("multipart/")) {
            List<MultipartParts.Part> parts = MultipartParts.parse(type, in);
            multiparts.add(parts);
            bodies.add(JSON.readTree(parts.get(0).content()));
        } else if (in.length > 0) {
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
    void sendsLocalFilesAsTarBundlesNamedByTheirFileNamesAndAgainOnARetry() throws IOException {
        Path app = Files.writeString(dir.resolve("app.jar"), "the application");
        Path dep = Files.writeString(Files.createDirectories(dir.resolve("lib")).resolve("dep.jar"), "a dependency");
        Path conf = Files.writeString(dir.resolve("app.conf"), "a = 1\n");
        Path py = Files.writeString(dir.resolve("util.py"), "print(1)\n");
        unavailable.set(1);

        int exit = cli(submit("--jars", dep + ",https://repo.example/remote.jar", "--files", "file://" + conf,
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false", app.toString(), "10"));

        assertThat(exit).as(stderr()).isZero();
        assertThat(stdout()).isEqualTo("jobs:pi-1-driver" + System.lineSeparator());
        assertThat(keys).as("the retry keeps the key").hasSize(2).allMatch(k -> k.equals(keys.get(0)));
        assertThat(multiparts).as("each attempt sends the files").hasSize(2);
        for (List<MultipartParts.Part> parts : multiparts) {
            assertThat(parts).extracting(MultipartParts.Part::name).containsExactly("submission", "jars", "files");
            JsonNode body = JSON.readTree(parts.get(0).content());
            assertThat(body.get("primaryResource").asText()).isEqualTo("app.jar");
            assertThat(JSON.convertValue(body.get("jars"), List.class))
                .containsExactly("dep.jar", "https://repo.example/remote.jar");
            assertThat(JSON.convertValue(body.get("files"), List.class)).containsExactly("app.conf");
            assertThat(JSON.convertValue(body.get("args"), List.class)).containsExactly("10");
            Map<String, byte[]> jars = MultipartParts.untar(parts.get(1).content());
            assertThat(jars.keySet()).containsExactly("app.jar", "dep.jar");
            assertThat(new String(jars.get("dep.jar"), StandardCharsets.UTF_8)).isEqualTo("a dependency");
            Map<String, byte[]> files = MultipartParts.untar(parts.get(2).content());
            assertThat(files.keySet()).containsExactly("app.conf");
            assertThat(new String(files.get("app.conf"), StandardCharsets.UTF_8)).isEqualTo("a = 1\n");
        }

        // a Python application: the script and its Python files travel in the files bundle, no jars part
        Path main = Files.writeString(dir.resolve("main.py"), "import util\n");
        multiparts.clear();
        assertThat(cli(submit("--py-files", py.toString(), "--conf",
            "spark.kubernetes.submission.waitAppCompletion=false", main.toString()))).as(stderr()).isZero();
        List<MultipartParts.Part> parts = multiparts.get(0);
        assertThat(parts).extracting(MultipartParts.Part::name).containsExactly("submission", "files");
        JsonNode body = JSON.readTree(parts.get(0).content());
        assertThat(body.get("primaryResource").asText()).isEqualTo("main.py");
        assertThat(JSON.convertValue(body.get("pyFiles"), List.class)).containsExactly("util.py");
        Map<String, byte[]> files = MultipartParts.untar(parts.get(1).content());
        assertThat(files.keySet()).containsExactly("main.py", "util.py");
        assertThat(new String(files.get("util.py"), StandardCharsets.UTF_8)).isEqualTo("print(1)\n");
    }

    @Test
    void sendsLocalArchivesInTheFilesBundleAsTheDirectPathStagesThemKeepingTheirName() throws IOException {
        Path env = Files.writeString(dir.resolve("env.tgz"), "not really an archive");
        Path model = Files.writeString(dir.resolve("model.zip"), "zip");
        Path conf = Files.writeString(dir.resolve("app.conf"), "a = 1\n");

        int exit = cli(submit("--archives", env + "#py-env,file://" + model + ",https://repo.example/r.tgz#r",
            "--files", conf.toString(), "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/app.jar"));

        assertThat(exit).as(stderr()).isZero();
        List<MultipartParts.Part> parts = multiparts.get(0);
        assertThat(parts).extracting(MultipartParts.Part::name).containsExactly("submission", "files");
        JsonNode body = JSON.readTree(parts.get(0).content());
        assertThat(JSON.convertValue(body.get("archives"), List.class))
            .containsExactly("env.tgz#py-env", "model.zip", "https://repo.example/r.tgz#r");
        assertThat(JSON.convertValue(body.get("files"), List.class)).containsExactly("app.conf");
        Map<String, byte[]> files = MultipartParts.untar(parts.get(1).content());
        assertThat(files.keySet()).containsExactlyInAnyOrder("app.conf", "env.tgz", "model.zip");
        assertThat(files.get("env.tgz")).isEqualTo(Files.readAllBytes(env));
    }

    @Test
    void localFilesTheDaemonCannotTakeAreUsageErrorsNamingTheOptionAndNothingIsSent() throws IOException {
        Path spaced = Files.writeString(dir.resolve("my dep.jar"), "x");
        Path a = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("same.txt"), "a");
        Path b = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("same.txt"), "b");

        Path archive = Files.writeString(dir.resolve("my env.tgz"), "x");
        assertThat(cli(submit("--archives", archive + "#env", "local:///opt/app.jar")))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--archives: " + archive + ": the daemon takes uploaded files named by letters");

        assertThat(cli(submit("--jars", spaced.toString(), "local:///opt/app.jar")))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--jars: " + spaced + ": the daemon takes uploaded files named by letters");

        assertThat(cli(submit("--files", a + "," + b, "local:///opt/app.jar"))).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--files: " + b + ": the files bundle already holds " + a);
        assertThat(requests).isEmpty();

        // a daemon without a staging server: a usage error naming the options, tried once
        noUploads = true;
        Path jar = Files.writeString(dir.resolve("dep.jar"), "x");
        assertThat(cli(submit("--jars", jar.toString(), "--files", a.toString(), "local:///opt/app.jar")))
            .isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(stderr()).contains("--files/--jars: the daemon at " + url + "/ takes no uploads of local files"
            + " (this daemon takes no multipart submissions)").contains("submit without --daemon");
        assertThat(requests).containsExactly("POST /v1/submissions");
    }

    @Test
    void aLocalDirectoryIsRefusedWithTheDirectPathsMessageAndNothingIsSent() throws IOException {
        Path directory = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(directory.resolve("app.conf"), "x");
        List<String> direct = List.of("submit", "--dry-run", "--master", "k8s://https://127.0.0.1:1", "--name", "pi",
            "--class", "org.example.Pi", "--conf", "spark.kubernetes.container.image=apache/spark:3.5.3");

        for (String option : List.of("--files", "--jars")) {
            List<String> directArgs = new ArrayList<>(direct);
            directArgs.addAll(List.of(option, directory.toString(), "local:///opt/app.jar"));
            assertThat(cli(directArgs.toArray(String[]::new))).isEqualTo(SubmissionCli.EXIT_USAGE);
            String directError = stderr().lines().filter(l -> l.contains(option + ":")).findFirst().orElseThrow();

            assertThat(cli(submit(option, directory.toString(), "local:///opt/app.jar")))
                .isEqualTo(SubmissionCli.EXIT_USAGE);

            assertThat(directError).contains(option + ": '" + directory + "' does not exist or is not a readable file");
            assertThat(stderr()).contains(directError);
        }
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
    void aKillSendsTheConfiguredGracePeriodAsTheDirectKillAppliesIt() {
        int exit = cli("kill", "jobs:pi-1-driver", "--daemon", url, "--daemon-token-file", tokenFile.toString(),
            "--conf", "spark.kubernetes.appKillPodDeletionGracePeriod=2min");
        int zero = cli("kill", "jobs:pi-2-driver", "--daemon", url, "--daemon-token-file", tokenFile.toString(),
            "--conf", "spark.kubernetes.appKillPodDeletionGracePeriod=0");

        assertThat(exit).isZero();
        assertThat(zero).as(stderr()).isZero();
        assertThat(stderr()).doesNotContain("appKillPodDeletionGracePeriod");
        assertThat(requests).contains("DELETE /v1/submissions/spark-1?gracePeriodSeconds=120",
            "DELETE /v1/submissions/spark-2?gracePeriodSeconds=0");
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
