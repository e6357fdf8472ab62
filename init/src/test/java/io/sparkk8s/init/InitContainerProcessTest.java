package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init-container main as a real process, as Kubernetes runs it: exit code, stderr, termination message. */
class InitContainerProcessTest {

    @TempDir
    Path dir;

    private final TestServer server;

    InitContainerProcessTest() throws IOException {
        server = TestServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result run(String properties, Path terminationLog) throws Exception {
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + dir.resolve("jars") + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + dir.resolve("files") + "\n" + properties);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), InitContainerMain.class.getName(),
            "--properties-file", props.toString(), "--termination-message-path", terminationLog.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void exitsZeroWithEverythingInPlace() throws Exception {
        server.route("/app.jar", e -> TestServer.respond(e, 200, "app".getBytes(StandardCharsets.UTF_8)));

        Result result = run("spark.kubernetes.initcontainer.remoteJars=" + server.uri("/app.jar") + "\n",
            dir.resolve("no-termination-log"));

        assertThat(result.exitCode()).isZero();
        assertThat(dir.resolve("jars/app.jar")).hasContent("app");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void exitsNonZeroWithOneLogLinePerFailedUriNamingItAndTheCause() throws Exception {
        server.route("/ok.jar", e -> TestServer.respond(e, 200, "ok".getBytes(StandardCharsets.UTF_8)));
        Path terminationLog = Files.createFile(dir.resolve("termination-log"));
        String missing1 = server.uri("/missing-1.jar").toString();
        String missing2 = server.uri("/missing-2.txt").toString();

        Result result = run("spark.kubernetes.initcontainer.remoteJars=" + server.uri("/ok.jar") + "," + missing1
            + "\nspark.kubernetes.initcontainer.remoteFiles=" + missing2 + "\n", terminationLog);

        assertThat(result.exitCode()).isEqualTo(1);
        List<String> failureLines = result.stderr().lines().filter(l -> l.contains("failed to localize")).toList();
        assertThat(failureLines).hasSize(2);
        assertThat(failureLines.get(0)).contains(missing1 + ": HTTP 404");
        assertThat(failureLines.get(1)).contains(missing2 + ": HTTP 404");
        assertThat(Files.readString(terminationLog)).contains(missing1).contains(missing2);
        assertThat(dir.resolve("jars/ok.jar")).hasContent("ok");
    }

    @Test
    void aBadPropertiesFileExitsTwoNamingTheKey() throws Exception {
        Result result = run("spark.kubernetes.mountdependencies.mountTimeout=soon\n", dir.resolve("none"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("spark.kubernetes.mountdependencies.mountTimeout: 'soon'");
    }
}
