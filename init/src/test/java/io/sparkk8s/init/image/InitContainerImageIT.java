package io.sparkk8s.init.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.init.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init-container image recipe against the packaged build context ({@code target/image}): we
 * cannot build images here, so this checks every path the Dockerfile names, and runs the entrypoint
 * from the build output laid out as the image lays it out.
 */
class InitContainerImageIT {

    private static final Path CONTEXT = Path.of("target", "image");
    private static final String IMAGE_HOME = "/opt/spark-k8s/";
    private static final Pattern INSTRUCTION = Pattern.compile("^([A-Z]+)\\s+(.*)$");

    @TempDir
    Path dir;

    private record Instruction(String keyword, String arguments) {
    }

    private static List<Instruction> dockerfile() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        for (String line : Files.readAllLines(CONTEXT.resolve("Dockerfile"))) {
            Matcher m = INSTRUCTION.matcher(line.strip());
            if (!line.startsWith("#") && m.matches()) {
                instructions.add(new Instruction(m.group(1), m.group(2)));
            }
        }
        return instructions;
    }

    private static List<String> copySources() throws IOException {
        List<String> sources = new ArrayList<>();
        for (Instruction copy : dockerfile()) {
            if (copy.keyword().equals("COPY") || copy.keyword().equals("ADD")) {
                List<String> words = Arrays.stream(copy.arguments().split("\\s+")).filter(w -> !w.startsWith("--"))
                    .toList();
                String destination = words.get(words.size() - 1);
                for (String source : words.subList(0, words.size() - 1)) {
                    assertThat(destination).as("COPY %s mirrors the build context under %s", source, IMAGE_HOME)
                        .isEqualTo(IMAGE_HOME + source);
                    sources.add(source);
                }
            }
        }
        return sources;
    }

    @Test
    void everyCopySourceExistsInTheBuildContextAndTheEntrypointIsCopied() throws IOException {
        List<String> sources = copySources();

        assertThat(sources).contains("lib/", "hadoop-lib/", "bin/");
        for (String source : sources) {
            assertThat(CONTEXT.resolve(source)).as(source).isDirectory().isNotEmptyDirectory();
        }
        Instruction entrypoint = dockerfile().stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst()
            .orElseThrow();
        String script = entrypoint.arguments().replaceAll("[\\[\\]\"]", "").strip();
        assertThat(script).startsWith(IMAGE_HOME);
        assertThat(CONTEXT.resolve(script.substring(IMAGE_HOME.length()))).isRegularFile();
        assertThat(dockerfile().get(0).arguments()).as("a JRE 17 base").contains("17").contains("jre");
    }

    @Test
    void theImageHoldsOurJarAndEveryRuntimeDependencyOnce() throws IOException {
        Set<String> lib = names(CONTEXT.resolve("lib"));
        Set<String> hadoopLib = names(CONTEXT.resolve("hadoop-lib"));
        Set<String> runtime = Arrays.stream(Files.readString(Path.of("target", "classpath.txt")).strip().split(":"))
            .map(p -> Path.of(p).getFileName().toString()).collect(Collectors.toSet());

        assertThat(lib).doesNotContainAnyElementsOf(hadoopLib);
        Set<String> all = new java.util.HashSet<>(lib);
        all.addAll(hadoopLib);
        assertThat(all).containsAll(runtime);
        String ownJar = lib.stream().filter(n -> n.startsWith("init-")).findFirst().orElseThrow();
        try (JarFile jar = new JarFile(CONTEXT.resolve("lib").resolve(ownJar).toFile())) {
            assertThat(jar.getEntry("io/sparkk8s/init/InitContainerMain.class")).isNotNull();
        }
        assertThat(hadoopLib).anyMatch(n -> n.startsWith("hadoop-client-api-"))
            .anyMatch(n -> n.startsWith("hadoop-client-runtime-"));
        assertThat(lib).as("no fabric8, Pekko or Scala in the init-container").noneMatch(n ->
            n.startsWith("kubernetes-") || n.startsWith("pekko-") || n.startsWith("scala-"));
    }

    @Test
    void theEntrypointRunsFromTheBuildOutputWithTheSameArgumentsAsInThePod() throws Exception {
        try (TestServer server = TestServer.http()) {
            server.route("/app.jar", e -> TestServer.respond(e, 200, "app".getBytes(StandardCharsets.UTF_8)));

            Result result = run(CONTEXT, "spark.kubernetes.initcontainer.remoteJars=" + server.uri("/app.jar"));

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(dir.resolve("jars/app.jar")).hasContent("app");
        }
    }

    @Test
    void withoutTheHadoopLayerHdfsUrisAreReportedAsUnsupportedAndHttpStillWorks() throws Exception {
        Path slim = Files.createDirectories(dir.resolve("slim"));
        Files.createSymbolicLink(slim.resolve("lib"), CONTEXT.resolve("lib").toAbsolutePath());
        Files.createSymbolicLink(slim.resolve("bin"), CONTEXT.resolve("bin").toAbsolutePath());

        Result result = run(slim, "spark.kubernetes.initcontainer.remoteJars=hdfs://namenode:8020/deps/udf.jar");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("failed to localize hdfs://namenode:8020/deps/udf.jar: the scheme 'hdfs'"
            + " needs a Hadoop FileSystem, and Hadoop's client is not on the init-container's classpath");
    }

    private record Result(int exitCode, String stderr) {
    }

    /** Runs {@code <home>/bin/spark-k8s-init init --properties-file ...} with the Dockerfile's JVM options. */
    private Result run(Path home, String properties) throws Exception {
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + dir.resolve("jars") + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + dir.resolve("files") + "\n"
                + properties + "\n");
        String javaOpts = dockerfile().stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::arguments)
            .filter(a -> a.startsWith("SPARK_K8S_INIT_JAVA_OPTS=")).findFirst().orElseThrow()
            .replaceFirst("^SPARK_K8S_INIT_JAVA_OPTS=", "").replace("\"", "");
        Path err = dir.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin/spark-k8s-init").toString(), "init",
            "--properties-file", props.toString()).redirectError(err.toFile()).redirectOutput(dir.resolve("stdout")
            .toFile());
        builder.environment().put("SPARK_K8S_INIT_JAVA_OPTS", javaOpts);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(err));
    }

    private static Set<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
