package io.sparkk8s.it.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.http.daemon.BearerTokens;
import io.sparkk8s.http.daemon.DaemonMetrics;
import io.sparkk8s.http.daemon.DaemonSettings;
import io.sparkk8s.http.daemon.KubernetesSubmissionBackend;
import io.sparkk8s.http.daemon.SubmissionDaemon;
import io.sparkk8s.http.daemon.SubmissionTranslator;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Submissions per minute through the daemon's REST API (loopback HTTP, JSON, validation, auth) against
 * the in-process Java API, both against the real API server of this machine and measured in the same
 * run, with p50/p99 latency. Goal of issue #10: REST at least 0.8x the Java API.
 *
 * <p>Opt-in (a measurement, and it takes minutes): {@code ./mvnw -B -pl it -am verify
 * -Dit.test=DaemonThroughputBenchIT -Dsparkk8s.bench.daemon=true -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dsparkk8s.bench.daemon.count=N} sets the submissions
 * per path (default 300). Results in {@code it/target/bench/daemon.md}.
 */
@ExtendWith(KubernetesApiServerExtension.class)
@EnabledIfSystemProperty(named = "sparkk8s.bench.daemon", matches = "true")
class DaemonThroughputBenchIT {

    private static final int CONCURRENCY = 32;
    private static final String TOKEN = "bench-token";

    @Test
    void submissionsPerMinuteThroughRestAgainstTheJavaApi(KubernetesTestContext ctx) throws Exception {
        int count = Integer.getInteger("sparkk8s.bench.daemon.count", 300);
        String apiNs = namespace(ctx.client(), ctx.namespace() + "-api");
        String restNs = namespace(ctx.client(), ctx.namespace() + "-rest");
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "daemon-bench");
        Config config = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        config.setMaxConcurrentRequests(CONCURRENCY * 4);
        config.setMaxConcurrentRequestsPerHost(CONCURRENCY * 4);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            SparkKubernetesSubmitter direct = SparkKubernetesSubmitter.builder().actorSystem(system)
                .kubernetesClient(client).maxInFlight(CONCURRENCY).maxQueued(count * 2).build();
            SparkKubernetesSubmitter behindRest = SparkKubernetesSubmitter.builder().actorSystem(system)
                .kubernetesClient(client).maxInFlight(CONCURRENCY).maxQueued(count * 2).build()) {
            DaemonMetrics metrics = new DaemonMetrics();
            SubmissionDaemon daemon = SubmissionDaemon.start(system, DaemonSettings.fromConfig(system.settings()
                    .config()).withBinding("127.0.0.1", 0),
                new KubernetesSubmissionBackend(behindRest, client,
                    system.dispatchers().lookup(DispatcherSelector.blocking()), Duration.ofSeconds(2), metrics),
                new SubmissionTranslator("k8s://" + ctx.masterUrl()),
                () -> BearerTokens.parse(List.of(TOKEN + " " + restNs), "bench"), metrics)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            URI submissions = URI.create("http://127.0.0.1:" + daemon.binding().localAddress().getPort()
                + "/v1/submissions");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            IntFunction<CompletableFuture<?>> viaApi = i -> direct.submit(request("api-" + i, apiNs, ctx.masterUrl()))
                .toCompletableFuture();
            IntFunction<CompletableFuture<?>> viaRest = i -> http.sendAsync(HttpRequest.newBuilder(submissions)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body("rest-" + i, restNs))).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
                    }
                    return r;
                });

            run(viaApi, 30, "warm");
            run(viaRest, 30, "warm");
            // A-B-B-A halves, so that drift (a growing etcd, other load on the machine) hits both paths alike.
            int half = count / 2;
            long[] api = new long[half * 2];
            long[] rest = new long[half * 2];
            long[] part = new long[half];
            double apiSeconds = timed(viaApi, half, part);
            System.arraycopy(part, 0, api, 0, half);
            double restSeconds = timed(i -> viaRest.apply(i), half, part);
            System.arraycopy(part, 0, rest, 0, half);
            restSeconds += timed(i -> viaRest.apply(half + i), half, part);
            System.arraycopy(part, 0, rest, half, half);
            apiSeconds += timed(i -> viaApi.apply(half + i), half, part);
            System.arraycopy(part, 0, api, half, half);
            count = half * 2;
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);

            double apiPerMinute = count / apiSeconds * 60;
            double restPerMinute = count / restSeconds * 60;
            double ratio = restPerMinute / apiPerMinute;
            String report = String.format(Locale.ROOT, """
                # Submission daemon: REST vs the in-process Java API (issue 10)

                Real kube-apiserver + etcd on this machine (%d cores), %d submissions per path, %d concurrent,
                both paths in one JVM and one run (A-B-B-A halves), each with its own submitter (%d in flight).
                A REST submission is
                a loopback HTTP/1.1 POST of JSON, validated by the CLI's parser, authorised by bearer token,
                answered 201 once the driver pod exists.

                | path | submissions/min | p50 latency | p99 latency |
                |---|---:|---:|---:|
                | Java API `SparkKubernetesSubmitter.submit` | %.0f | %.0f ms | %.0f ms |
                | REST `POST /v1/submissions` | %.0f | %.0f ms | %.0f ms |

                REST / Java API: **%.2fx** (goal >= 0.8x: %s).
                """, Runtime.getRuntime().availableProcessors(), count, CONCURRENCY, CONCURRENCY,
                apiPerMinute, percentile(api, 50), percentile(api, 99),
                restPerMinute, percentile(rest, 50), percentile(rest, 99), ratio, ratio >= 0.8 ? "met" : "MISSED");
            Path out = Path.of(System.getProperty("sparkk8s.bench.out", "target/bench"));
            Files.createDirectories(out);
            Files.writeString(out.resolve("daemon.md"), report);
            System.out.println(report);
            assertThat(ctx.client().pods().inNamespace(restNs).list().getItems()).hasSize(count + 30);
            assertThat(ctx.client().pods().inNamespace(apiNs).list().getItems()).hasSize(count + 30);
        } finally {
            system.terminate();
        }
    }

    private static double timed(IntFunction<CompletableFuture<?>> submit, int count, long[] latencies)
        throws Exception {
        long start = System.nanoTime();
        Semaphore slots = new Semaphore(CONCURRENCY);
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            slots.acquire();
            int n = i;
            long t0 = System.nanoTime();
            all[i] = submit.apply(i).whenComplete((r, e) -> {
                latencies[n] = System.nanoTime() - t0;
                slots.release();
            });
        }
        CompletableFuture.allOf(all).get(30, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    private static void run(IntFunction<CompletableFuture<?>> submit, int count, String label) throws Exception {
        timed(i -> submit.apply(i + 1_000_000), count, new long[count]);
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static SubmissionRequest request(String name, String namespace, String masterUrl) {
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://" + masterUrl),
            Optional.of("org.apache.spark.examples.SparkPi"), name,
            "local:///opt/spark/examples/jars/spark-examples.jar", List.of("1000"),
            SparkConf.of(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1", "spark.app.name", name,
                "spark.kubernetes.namespace", namespace)), Optional.empty(), false);
    }

    private static String body(String name, String namespace) {
        return "{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\",\"mainClass\":"
            + "\"org.apache.spark.examples.SparkPi\",\"primaryResource\":"
            + "\"local:///opt/spark/examples/jars/spark-examples.jar\",\"args\":[\"1000\"],\"conf\":{"
            + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.1\"}}";
    }

    private static String namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
        return name;
    }
}
