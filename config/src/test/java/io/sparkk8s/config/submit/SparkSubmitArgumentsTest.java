package io.sparkk8s.config.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser's own rules (the catalogue's are in ValidationRulesTest), each with its message. */
class SparkSubmitArgumentsTest {

    private static final String MASTER = "k8s://https://h:6443";
    private static final String JAR = "local:///x.jar";

    private static SparkSubmitCommand parse(String... args) {
        return SparkSubmitArguments.parse(List.of(args), Map.of());
    }

    @Test
    void refusesClientModeSayingWhy() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--deploy-mode", "client", "--class", "a.Main", JAR))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessage("--deploy-mode: client mode is not supported: it runs the driver in the submitting process,"
                + " and this tool only creates drivers in the cluster; use --deploy-mode cluster, or Spark's own"
                + " spark-submit for client mode");
    }

    @Test
    void refusesUnknownDeployModes() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--deploy-mode", "clutser", "--class", "a.Main", JAR))
            .hasMessage("--deploy-mode: 'clutser' is not a deploy mode; expected cluster");
    }

    @Test
    void refusesConfWithoutEqualsNamingIt() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--conf", "spark.foo", "--class", "a.Main", JAR))
            .hasMessage("--conf: 'spark.foo' has no '='; expected --conf key=value, e.g. --conf"
                + " spark.kubernetes.namespace=spark-jobs");
        assertThatThrownBy(() -> parse("--master", MASTER, "--conf", "=v", "--class", "a.Main", JAR))
            .hasMessage("--conf: '=v' has an empty key; expected --conf key=value");
    }

    @Test
    void refusesMastersOfOtherClusterManagers() {
        for (String master : List.of("yarn", "local[*]", "spark://m:7077", "mesos://m:5050")) {
            assertThatThrownBy(() -> parse("--master", master, "--class", "a.Main", JAR))
                .hasMessageStartingWith("--master: '" + master + "' is not a Kubernetes master (it selects ")
                .hasMessageContaining("; spark-k8s-submit submits to Kubernetes only); expected k8s://<host>:<port>");
        }
    }

    @Test
    void refusesAMissingPrimaryResource() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main"))
            .hasMessage("primary resource: missing; give the application jar, .py or .R file after the options, e.g."
                + " local:///opt/spark/examples/jars/spark-examples.jar");
    }

    @Test
    void refusesPyFilesForAJavaApplication() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main", "--py-files", "local:///a.zip", JAR))
            .hasMessage("--py-files: given, but the primary resource 'local:///x.jar' is not a Python file (.py);"
                + " --py-files is for Python applications");
    }

    @Test
    void refusesProxyUserTogetherWithPrincipal() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main", "--proxy-user", "bob",
            "--principal", "etl@X", JAR))
            .hasMessage("--proxy-user: given together with --principal (spark.kerberos.principal); give only one of"
                + " them");
    }

    @Test
    void refusesKillTogetherWithStatus() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--kill", "ns:a", "--status", "ns:a"))
            .hasMessage("--kill: given together with --status; ask for one at a time");
    }

    @Test
    void refusesSubmissionIdsThatCannotNameAPod() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--kill", "Team_A:spark-pi-driver"))
            .hasMessage("--kill: 'Team_A:spark-pi-driver' is not a submission id: namespace 'Team_A' is not a valid"
                + " DNS-1123 label; expected at most 63 lower-case letters, digits and '-', starting and ending with a"
                + " letter or digit (expected [namespace:]pod-name, '*' allowed in the pod name)");
        assertThatThrownBy(() -> parse("--master", MASTER, "--status", "ns:Spark Pi*"))
            .hasMessageStartingWith("--status: 'ns:Spark Pi*' is not a submission id: pod name 'Spark Pi*' is not a"
                + " valid DNS-1123 subdomain");
        assertThat(parse("--master", MASTER, "--status", "ns:*")).isInstanceOf(SparkSubmitCommand.Status.class);
    }

    @Test
    void refusesLocalDependenciesThatDoNotExistHere(@TempDir Path dir) throws Exception {
        Path present = Files.writeString(dir.resolve("present.jar"), "");
        Path missing = dir.resolve("missing.jar");

        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main", "--jars",
            present + ",local:///in/image.jar," + missing + ",hdfs://nn/x.jar," + dir + "/lib/*.jar", JAR))
            .hasMessage("--jars: '" + missing + "' does not exist or is not a readable file; local files are uploaded"
                + " from this machine, so they must exist here (use local:// for files already in the image)");
        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main", missing.toUri().toString()))
            .hasMessageStartingWith("primary resource: '" + missing.toUri() + "' does not exist");
        assertThatThrownBy(() -> parse("--master", MASTER, "--class", "a.Main", "--conf",
            "spark.archives=" + missing + "#env", JAR))
            .hasMessageStartingWith("spark.archives: '" + missing + "' does not exist");
    }

    @Test
    void refusesAValueForASwitch() {
        assertThatThrownBy(() -> parse("--verbose=false", "--master", MASTER, "--class", "a.Main", JAR))
            .hasMessage("--verbose: takes no value, but '--verbose=false' gives one; write --verbose alone");
    }

    @Test
    void refusesEmptyValues() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--name=", "--class", "a.Main", JAR))
            .hasMessage("--name: empty value; expected --name NAME");
    }

    @Test
    void refusesUnknownOptionsBeforeThePrimaryResource() {
        assertThatThrownBy(() -> parse("--master", MASTER, "--bogus", JAR))
            .hasMessage("--bogus: unknown option; see --help for the options. Application arguments go after the"
                + " primary resource.");
    }

    @Test
    void readsTheMainClassFromALocalJarsManifest(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.FromManifest");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }

        SparkSubmitCommand.Submit submit = (SparkSubmitCommand.Submit) parse("--master", MASTER, jar.toString());
        SparkSubmitCommand.Submit viaUri = (SparkSubmitCommand.Submit) parse("--master", MASTER,
            jar.toUri().toString());

        assertThat(submit.request().mainClass()).contains("com.example.FromManifest");
        assertThat(submit.request().appName()).isEqualTo("com.example.FromManifest");
        assertThat(viaUri.request().mainClass()).contains("com.example.FromManifest");
    }

    @Test
    void returnsWarningsInsteadOfPrintingThem() {
        SparkSubmitCommand command = parse("--master", MASTER, "--class", "a.Main",
            "--conf", "spark.kubernetes.namespac=x", "--conf", "other=1", JAR);

        assertThat(command.warnings()).extracting(Object::toString).containsExactly(
            "other: ignored: not a Spark property (Spark reads only keys that start with spark.)",
            "spark.kubernetes.namespac: not a known configuration key; did you mean spark.kubernetes.namespace?");
    }

    @Test
    void usageListsEveryOptionAndTheKeyItSets() {
        String usage = SparkSubmitArguments.usageText();

        for (String option : List.of("--master", "--deploy-mode", "--class", "--name", "--jars", "--packages",
            "--exclude-packages", "--repositories", "--py-files", "--files", "--archives", "--conf, -c",
            "--properties-file", "--driver-memory", "--driver-java-options", "--driver-library-path",
            "--driver-class-path", "--executor-memory", "--proxy-user", "--driver-cores", "--total-executor-cores",
            "--executor-cores", "--num-executors", "--principal", "--keytab", "--queue", "--supervise", "--kill",
            "--status", "--dry-run", "--verbose, -v", "--help, -h", "--version")) {
            assertThat(usage).as(option).contains("\n  " + option + " ");
        }
        SparkSubmitArguments.optionKeys().values().forEach(key -> assertThat(usage).contains("[" + key + "]"));
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(110));
        assertThat(usage).contains("Exit codes:\n  0  success\n  1  the application failed\n  2  bad usage");
    }

    @Test
    void helpReturnsTheUsageText() {
        assertThat(parse("--help")).isEqualTo(new SparkSubmitCommand.Help(SparkSubmitArguments.usageText()));
    }
}
