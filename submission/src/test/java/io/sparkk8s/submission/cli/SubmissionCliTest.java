package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.config.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return run(System.getenv(), args);
    }

    private int run(Map<String, String> env, String... args) {
        return SubmissionCli.run(env, writer(out), writer(err), args);
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit", "kill", "status", "version"})
    void everySubcommandHasHelp(String subcommand) {
        int exit = run(subcommand, "--help");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: spark-k8s " + subcommand);
    }

    @Test
    void versionPrintsTheBuildVersionToStdout() {
        int exit = run("version");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(BuildInfo.current().version());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        int exit = run("sumbit");

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("sumbit");
    }

    @Test
    void submitHelpPrintsTheSparkSubmitOptionsAndExitCodes() {
        int exit = run("submit", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--driver-memory").contains("--kill")
            .contains("cluster or API error");
    }

    @Test
    void aBadOptionIsAUsageErrorNamingIt() {
        int exit = run(Map.of("HOME", "/nonexistent"), "submit", "--master", "yarn", "--class", "a.B",
            "local:///app.jar");

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--master").contains("yarn");
    }

    @Test
    void dryRunPrintsEveryResourceAsYamlWithoutContactingTheCluster() {
        int exit = run(Map.of("HOME", "/nonexistent"), "submit", "--dry-run",
            "--master", "k8s://https://127.0.0.1:1", "--deploy-mode", "cluster", "--name", "spark-pi",
            "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.authenticate.driver.oauthToken=very-secret",
            "local:///opt/spark/examples/jars/spark-examples.jar", "1000");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String yaml = out.toString(StandardCharsets.UTF_8);
        List<HasMetadata> resources = new KubernetesSerialization().unmarshal(yaml);
        assertThat(resources).extracting(HasMetadata::getKind)
            .containsExactly("Pod", "Service", "Secret", "ConfigMap");
        Pod pod = (Pod) resources.get(0);
        assertThat(pod.getSpec().getContainers().get(0).getArgs()).containsExactly("driver", "--properties-file",
            "/opt/spark/conf/spark.properties", "--class", "org.apache.spark.examples.SparkPi",
            "local:///opt/spark/examples/jars/spark-examples.jar", "1000");
        assertThat(yaml).doesNotContain("very-secret").doesNotContain(java.util.Base64.getEncoder()
            .encodeToString("very-secret".getBytes(StandardCharsets.UTF_8)));
    }
}
