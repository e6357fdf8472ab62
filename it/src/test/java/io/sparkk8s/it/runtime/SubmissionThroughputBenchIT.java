package io.sparkk8s.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.actors.api.SubmissionFilter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.submission.DriverConfigurationStepsOrchestrator;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applications submitted per minute through the Java API against the real API server on this
 * machine, beside baselines measured in the same run: (a) the same resources created directly with
 * the fabric8 client by as many threads as the runtime's in-flight bound (the ceiling), (b) our CLI
 * run once per application as a process. Also the latency from {@code submit()} to the driver pod
 * created (p50/p99) and the heap used per 1,000 submissions being followed.
 *
 * <p>Opt-in (it is a measurement, not a check of behaviour, and takes minutes): {@code ./mvnw -B -pl it -am
 * -Pbench verify -Dit.test=SubmissionThroughputBenchIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false};
 * {@code -Dsparkk8s.bench.submission.count=N} sets the applications per run (default 1000). The bench profile
 * resolves upstream Spark's classpath into {@code it/target/upstream-spark-submit.classpath} (a separate Maven
 * project, {@code it/scripts/upstream-spark-submit.pom.xml}, so that upstream runs with its own fabric8 and
 * Jackson, not ours); without that file (c) is reported as not measured. Results in
 * {@code it/target/bench/submission-runtime.md}.
 */
@ExtendWith(KubernetesApiServerExtension.class)
@EnabledIfSystemProperty(named = "sparkk8s.bench.submission", matches = "true")
class SubmissionThroughputBenchIT {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionThroughputBenchIT.class);
    private static final int IN_FLIGHT = 64;
    private static final int CLI_RUNS = 5;
    private static final int UPSTREAM_RUNS = 5;

    private static SubmissionRequest request(String appName, String namespace, String masterUrl) {
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://" + masterUrl),
            Optional.of("org.apache.spark.examples.SparkPi"), appName,
            "local:///opt/spark/examples/jars/spark-examples.jar", List.of("1000"),
            SparkConf.of(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1",
                "spark.app.name", appName, "spark.kubernetes.namespace", namespace)),
            Optional.empty(), false);
    }

    private static KubernetesClient client(KubernetesTestContext ctx) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        config.setMaxConcurrentRequests(IN_FLIGHT * 4);
        config.setMaxConcurrentRequestsPerHost(IN_FLIGHT * 4);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
        return name;
    }

    @Test
    void applicationsPerMinuteThroughTheJavaApiAgainstTheFabric8CeilingAndTheCliPerProcess(
        KubernetesTestContext ctx) throws Exception {
        int count = Integer.getInteger("sparkk8s.bench.submission.count", 1000);
        KubernetesClient admin = ctx.client();
        String ceilingNs = namespace(admin, ctx.namespace() + "-ceiling");
        String apiNs = namespace(admin, ctx.namespace() + "-api");
        try (KubernetesClient client = client(ctx)) {
            // Warm-up of the API server and both code paths (not measured).
            createDirectly(client, specs(ceilingNs, ctx.masterUrl(), 50, "warm"));
            try (SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().kubernetesClient(client)
                .maxInFlight(IN_FLIGHT).maxQueued(count).build()) {
                submitAll(submitter, apiNs, ctx.masterUrl(), 50, "warm");
            }

            // (a) the ceiling: the same resources, built beforehand, created with fabric8 by IN_FLIGHT threads.
            long specsStart = System.nanoTime();
            List<KubernetesDriverSpec> specs = specs(ceilingNs, ctx.masterUrl(), count, "direct");
            double specSeconds = (System.nanoTime() - specsStart) / 1e9;
            double ceilingSeconds = createDirectly(client, specs);

            // Ours: everything through the Java API, steps included.
            long heapBefore = usedHeapAfterGc();
            double apiSeconds;
            long[] latencies;
            long heapPerThousand;
            try (SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().kubernetesClient(client)
                .maxInFlight(IN_FLIGHT).maxQueued(count).build()) {
                long start = System.nanoTime();
                latencies = submitAll(submitter, apiNs, ctx.masterUrl(), count, "api");
                apiSeconds = (System.nanoTime() - start) / 1e9;
                // Every submission is now followed (its pod Pending, no kubelet): what that costs.
                assertThat(submitter.list(SubmissionFilter.all()).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasSize(count);
                heapPerThousand = (usedHeapAfterGc() - heapBefore) * 1000 / count;
            }

            // (b) our CLI, one process per application.
            String cliNs = namespace(admin, ctx.namespace() + "-cli");
            double[] cliSeconds = new double[CLI_RUNS];
            for (int i = 0; i < CLI_RUNS; i++) {
                cliSeconds[i] = runCli(ctx, cliNs, "cli-" + i);
            }
            double cliMean = Arrays.stream(cliSeconds).average().orElseThrow();

            // (c) upstream Spark's SparkSubmit, one process per application, with upstream's own classpath.
            Optional<String> upstreamClasspath = upstreamClasspath();
            String upstreamRow = "| (c) upstream `SparkSubmit` per process | not measured (no upstream classpath: run"
                + " with -Pbench) | |";
            String goalC = "not measured";
            if (upstreamClasspath.isPresent()) {
                String upstreamNs = namespace(admin, ctx.namespace() + "-upstream");
                Path credentials = Files.createDirectories(benchOut().resolve("upstream-spark-submit"));
                Map<String, String> auth = credentialFiles(ctx, credentials);
                double[] upstreamSeconds = new double[UPSTREAM_RUNS];
                for (int i = 0; i < UPSTREAM_RUNS; i++) {
                    upstreamSeconds[i] = runUpstreamSparkSubmit(ctx, upstreamClasspath.get(), auth, upstreamNs,
                        "upstream-" + i);
                    // Each run created its own driver pod (upstream labels it spark-role=driver too).
                    assertThat(admin.pods().inNamespace(upstreamNs).withLabel("spark-role", "driver").list()
                        .getItems()).as("driver pods after %d upstream SparkSubmit runs", i + 1).hasSize(i + 1);
                }
                double upstreamMean = Arrays.stream(upstreamSeconds).average().orElseThrow();
                double upstreamPerMinute = 60 / upstreamMean;
                double ratio = count / apiSeconds * 60 / upstreamPerMinute;
                upstreamRow = String.format(Locale.ROOT, "| (c) upstream `SparkSubmit` %s, one process per application"
                    + " (mean of %d; min %.1f s, max %.1f s) | %.1f | %.0fx slower than the Java API |",
                    System.getProperty("sparkk8s.bench.spark.version", ""), UPSTREAM_RUNS,
                    Arrays.stream(upstreamSeconds).min().orElseThrow(),
                    Arrays.stream(upstreamSeconds).max().orElseThrow(), upstreamPerMinute, ratio);
                goalC = String.format(Locale.ROOT, "%.0fx (goal >= 20x): %s", ratio, ratio >= 20 ? "met" : "NOT met");
            }

            Arrays.sort(latencies);
            double apiPerMinute = count / apiSeconds * 60;
            double ceilingPerMinute = count / ceilingSeconds * 60;
            double cliPerMinute = 60 / cliMean;
            String report = String.format(Locale.ROOT, """
                # Submission runtime: applications per minute (issue 7)

                Real kube-apiserver + etcd on this machine (%d cores), %d applications per run, %d in flight.
                Each application is a driver pod, its headless Service and its conf ConfigMap (3 creations).

                | path | applications/min | relative |
                |---|---:|---:|
                | (a) fabric8 directly, %d threads, specs built beforehand (ceiling) | %.0f | 1.00x |
                | Java API `SparkKubernetesSubmitter` (steps + creation + status tracking) | %.0f | %.2fx of (a) |
                | (b) our CLI, one process per application (mean of %d) | %.0f | %.1fx slower than the Java API |
                %s

                Goals: Java API >= 0.8x of (a): %.2fx, %s. Java API >= 20x (c): %s.
                Load average (1 min) at the end: %.1f.

                Java API latency from `submit()` to driver pod created (queueing included, all %d submitted at
                once): p50 %d ms, p99 %d ms, max %d ms.

                Heap per 1,000 submissions followed after creation (used heap after GC, includes the
                shared informer's cache of their pods): %.1f MiB.

                Building the %d specs of (a) with the configuration steps, on one thread, outside its timing:
                %.1f s. The Java API does that work inside its time, on the same %d cores as the API server.
                """, Runtime.getRuntime().availableProcessors(), count, IN_FLIGHT, IN_FLIGHT, ceilingPerMinute,
                apiPerMinute, apiPerMinute / ceilingPerMinute, CLI_RUNS, cliPerMinute, apiPerMinute / cliPerMinute,
                upstreamRow, apiPerMinute / ceilingPerMinute,
                apiPerMinute / ceilingPerMinute >= 0.8 ? "met" : "NOT met",
                goalC, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                count, percentile(latencies, 50), percentile(latencies, 99), latencies[latencies.length - 1],
                heapPerThousand / 1024.0 / 1024.0, count, specSeconds, Runtime.getRuntime().availableProcessors());
            Path out = Files.createDirectories(benchOut());
            Files.writeString(out.resolve("submission-runtime.md"), report);
            LOG.info("\n{}", report);
        } finally {
            for (String suffix : List.of("-ceiling", "-api", "-cli", "-upstream")) {
                admin.namespaces().withName(ctx.namespace() + suffix).delete();
            }
        }
    }

    private static List<KubernetesDriverSpec> specs(String namespace, String masterUrl, int count, String prefix) {
        List<KubernetesDriverSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SubmissionRequest request = request(prefix + "-" + i, namespace, masterUrl);
            DriverResourceNames names = DriverResourceNames.of(DriverResourceNames.newAppId(), request.appName(),
                request.sparkConf());
            specs.add(new DriverConfigurationStepsOrchestrator(request, names, Optional.empty(), Map.of())
                .buildSpec());
        }
        return specs;
    }

    /** Creates {@code specs} with IN_FLIGHT threads; returns the seconds it took. */
    private static double createDirectly(KubernetesClient client, List<KubernetesDriverSpec> specs)
        throws Exception {
        KubernetesResourceCreator creator = new KubernetesResourceCreator(client);
        ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            long start = System.nanoTime();
            CompletableFuture.allOf(specs.stream().map(s -> CompletableFuture.runAsync(() -> creator.create(s),
                threads)).toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Submits {@code count} applications at once; returns each one's submit-to-created latency in ms. */
    private static long[] submitAll(SparkKubernetesSubmitter submitter, String namespace, String masterUrl,
        int count, String prefix) throws Exception {
        long[] latencies = new long[count];
        List<CompletableFuture<SubmissionHandle>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            long submitted = System.nanoTime();
            all.add(submitter.submit(request(prefix + "-" + i, namespace, masterUrl)).toCompletableFuture()
                .whenComplete((h, e) -> latencies[index] = (System.nanoTime() - submitted) / 1_000_000));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        return latencies;
    }

    private static double runCli(KubernetesTestContext ctx, String namespace, String name) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classpath, "io.sparkk8s.submission.cli.SubmissionCli", "submit",
            "--master", "k8s://" + ctx.masterUrl(), "--deploy-mode", "cluster", "--name", name,
            "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + namespace,
            "--conf", "spark.kubernetes.container.image=apache/spark:3.5.1",
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
            "local:///opt/spark/examples/jars/spark-examples.jar", "1000");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("KUBECONFIG", ctx.kubeconfig().toString());
        long start = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(process.exitValue()).as("CLI exit code").isZero();
        return seconds;
    }

    /** Upstream Spark's runtime classpath, as resolved by the bench profile, if present. */
    private static Optional<String> upstreamClasspath() throws Exception {
        String file = System.getProperty("sparkk8s.bench.upstream-spark.classpath");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            LOG.warn("No upstream Spark classpath ({}): baseline (c) is not measured", file);
            return Optional.empty();
        }
        return Optional.of(Files.readString(Path.of(file)).strip());
    }

    /**
     * Writes the test kubeconfig's CA and client credentials to files and returns the upstream keys that point
     * at them, so that SparkSubmit authenticates the way a user of it would, not through our kubeconfig.
     */
    private static Map<String, String> credentialFiles(KubernetesTestContext ctx, Path dir) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        Path ca = Files.write(dir.resolve("ca.crt"), pem(config.getCaCertData(), config.getCaCertFile()));
        Path cert = Files.write(dir.resolve("client.crt"), pem(config.getClientCertData(), config.getClientCertFile()));
        Path key = Files.write(dir.resolve("client.key"), pem(config.getClientKeyData(), config.getClientKeyFile()));
        return Map.of("spark.kubernetes.authenticate.submission.caCertFile", ca.toString(),
            "spark.kubernetes.authenticate.submission.clientCertFile", cert.toString(),
            "spark.kubernetes.authenticate.submission.clientKeyFile", key.toString());
    }

    private static byte[] pem(String base64Data, String file) throws Exception {
        return base64Data != null ? Base64.getDecoder().decode(base64Data) : Files.readAllBytes(Path.of(file));
    }

    private static double runUpstreamSparkSubmit(KubernetesTestContext ctx, String classpath, Map<String, String> auth,
        String namespace, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
            "--master", "k8s://" + ctx.masterUrl(), "--deploy-mode", "cluster", "--name", name,
            "--class", "org.apache.spark.examples.SparkPi",
            "--conf", "spark.kubernetes.namespace=" + namespace,
            "--conf", "spark.kubernetes.container.image=apache/spark:"
                + System.getProperty("sparkk8s.bench.spark.version", "4.0.1"),
            "--conf", "spark.kubernetes.submission.waitAppCompletion=false"));
        auth.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
        command.addAll(List.of("local:///opt/spark/examples/jars/spark-examples.jar", "1000"));
        Path log = benchOut().resolve("upstream-spark-submit").resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        // No kubeconfig: the spark.kubernetes.authenticate.submission.* keys are what SparkSubmit uses.
        builder.environment().put("KUBECONFIG", log.resolveSibling("no-kubeconfig-" + name).toString());
        builder.environment().remove("SPARK_HOME");
        long start = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(process.exitValue()).as("upstream SparkSubmit exit code, output in %s", log).isZero();
        return seconds;
    }

    private static Path benchOut() {
        return Path.of(System.getProperty("sparkk8s.bench.out", "target/bench"));
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
