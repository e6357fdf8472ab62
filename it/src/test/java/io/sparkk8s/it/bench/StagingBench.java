package io.sparkk8s.it.bench;

import static io.sparkk8s.it.bench.BenchEnvironment.WORK;
import static io.sparkk8s.it.bench.BenchEnvironment.f2;
import static io.sparkk8s.it.bench.BenchEnvironment.gbPerSecond;
import static io.sparkk8s.it.bench.BenchEnvironment.sh;
import static io.sparkk8s.it.bench.BenchEnvironment.timed;
import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.it.bench.BenchEnvironment.Child;
import io.sparkk8s.staging.BulkTransferTuning;
import io.sparkk8s.staging.client.HttpResourceStager;
import io.sparkk8s.staging.client.ProgressListener;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Staging server benchmarks, each against a baseline measured in the same run, interleaved
 * (ours, baseline, ours, baseline) after a warm-up of each. Run with
 * {@code ./mvnw -pl it -am -Pbench test -Dtest=StagingBench -Dsurefire.failIfNoSpecifiedTests=false};
 * sizes: {@code -Dbench.size=4g -Dbench.dir.size=2g -Dbench.dir.files=2000 -Dbench.memory.big=8g
 * -Dbench.memory.each=512m -Dbench.small.ops=3000 -Dbench.rounds=2}. Results: {@code it/target/bench/*.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StagingBench {

    private static final Pattern ID = Pattern.compile("\"resourceId\":\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("\"resourceSecret\":\"([^\"]+)\"");
    private static final String OWNER_QUERY = "ownerNamespace=bench&ownerLabel=spark-app-selector=bench";
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(WORK);
        // The client side configured as the CLI configures it (HttpResourceStagerFactory).
        system = ActorSystem.create(Behaviors.empty(), "staging-bench",
            BulkTransferTuning.load(StagingBench.class.getClassLoader()));
    }

    @AfterAll
    static void stop() throws Exception {
        Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void uploadAndDownloadOfOneLargeBundleAgainstNginx() throws Exception {
        long size = BenchEnvironment.sizeProperty("bench.size", 4L << 30);
        Path blob = BenchEnvironment.zeroFile(WORK.resolve("blob.bin"), size);
        Path ourStore = WORK.resolve("store-large");
        Path nginxRoot = Files.createDirectories(WORK.resolve("nginx-large"));
        List<Double> ourUp = new ArrayList<>();
        List<Double> nginxUp = new ArrayList<>();
        List<Double> ourDown = new ArrayList<>();
        List<Double> nginxDown = new ArrayList<>();
        try (Child ours = BenchEnvironment.startStagingServer(ourStore);
             Child nginx = BenchEnvironment.startNginx(nginxRoot)) {
            for (int round = 0; round <= ROUNDS; round++) {
                // Each upload starts with no dirty pages or pending deletions of the step before (see the
                // directory benchmark): nginx's previous copy is removed and everything synced first.
                sh("rm -f " + nginxRoot.resolve("up").resolve("blob") + " && sync");
                long start = System.nanoTime();
                String answer = sh("curl -sS -f -T " + blob + " '" + ours.uri("/api/v1/resources?" + OWNER_QUERY)
                    + "'");
                double ourUpSeconds = (System.nanoTime() - start) / 1e9;
                sh("sync");
                double nginxUpSeconds = timed("curl -sS -f -o /dev/null -T " + blob + " " + nginx.uri("/up/blob"));
                String id = group(ID, answer);
                String secret = group(SECRET, answer);
                double ourDownSeconds = timed("curl -sS -f -o /dev/null -H 'Authorization: Bearer " + secret + "' "
                    + ours.uri("/api/v1/resources/" + id));
                double nginxDownSeconds = timed("curl -sS -f -o /dev/null " + nginx.uri("/up/blob"));
                sh("curl -sS -f -X DELETE -H 'Authorization: Bearer " + secret + "' "
                    + ours.uri("/api/v1/resources/" + id));
                if (round > 0) {
                    ourUp.add(ourUpSeconds);
                    nginxUp.add(nginxUpSeconds);
                    ourDown.add(ourDownSeconds);
                    nginxDown.add(nginxDownSeconds);
                }
            }
        } finally {
            sh("rm -rf " + ourStore + " " + nginxRoot);
        }
        StringBuilder md = new StringBuilder("# One large bundle over loopback\n\n")
            .append(BenchEnvironment.machine()).append("\n\n")
            .append("Bundle: ").append(size >> 20).append(" MiB of a file on the same disk; client: curl (`-T` up,"
                + " `-o /dev/null` down) for both servers. Ours fsyncs before answering, nginx does not. "
                + "One warm-up round of each, then ").append(ROUNDS).append(" interleaved rounds; median.\n\n")
            .append("| operation | ours GB/s | nginx GB/s | ratio | goal |\n|---|---|---|---|---|\n")
            .append(row("upload (`curl -T`; nginx WebDAV PUT)", size, ourUp, nginxUp, "≥ 0.9"))
            .append(row("download (nginx: sendfile)", size, ourDown, nginxDown, "≥ 0.9"));
        BenchEnvironment.write("large-bundle", md.toString());
    }

    @Test
    @Order(2)
    void packingAndUploadingADirectoryAgainstTarPipedIntoCurl() throws Exception {
        long total = BenchEnvironment.sizeProperty("bench.dir.size", 2L << 30);
        int files = Integer.getInteger("bench.dir.files", 2000);
        String dirName = "many-files-" + files + "-" + (total >> 20) + "m";
        Path dir = WORK.resolve(dirName);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            byte[] content = new byte[(int) (total / files)];
            for (int i = 0; i < files; i++) {
                Path sub = Files.createDirectories(dir.resolve("sub-" + i % 20));
                Files.write(sub.resolve("file-" + i + ".jar"), content);
            }
            sh("sync");
        }
        Path ourStore = WORK.resolve("store-dir");
        Path nginxRoot = Files.createDirectories(WORK.resolve("nginx-dir"));
        List<Double> ourClient = new ArrayList<>();
        List<Double> tarCurlOurs = new ArrayList<>();
        List<Double> tarCurlNginx = new ArrayList<>();
        List<Double> tarCurlNginxDurable = new ArrayList<>();
        List<Double> tarCurlNginxHashed = new ArrayList<>();
        try (Child ours = BenchEnvironment.startStagingServer(ourStore);
             Child nginx = BenchEnvironment.startNginx(nginxRoot)) {
            ResourceStagingClient client = new ResourceStagingClient(system,
                URI.create("http://127.0.0.1:" + ours.port()), Optional.empty());
            HttpResourceStager stager = new HttpResourceStager(client,
                system.dispatchers().lookup(DispatcherSelector.blocking()), false, ProgressListener.NONE,
                Duration.ofSeconds(1));
            for (int round = 0; round <= ROUNDS; round++) {
                // Every step starts with no dirty pages left by the one before (a deleted or replaced 2 GiB
                // file, a non-durable upload): otherwise their writeback lands in the next step's timing.
                sh("sync");
                long start = System.nanoTime();
                SubmittedResourceIdAndSecret staged = stager.uploadResources(List.of(dir), "bench",
                    Map.of("spark-app-selector", "bench")).toCompletableFuture().get(30, TimeUnit.MINUTES);
                double ourSeconds = (System.nanoTime() - start) / 1e9;
                client.delete(staged.resourceId(), staged.resourceSecret()).toCompletableFuture().get();
                sh("sync");
                double nginxSeconds = timed("tar -cf - -C " + WORK + " " + dirName + " | curl -sS -f -o /dev/null -T - "
                    + nginx.uri("/up/dir.tar"));
                // The same, made as durable as our server makes an upload before it answers: the file and its
                // directory fsynced (coreutils `sync FILE…` fsyncs each one) before the timing stops.
                sh("rm -f " + nginxRoot.resolve("up").resolve("dir.tar") + " && sync");
                double nginxDurableSeconds = timed("tar -cf - -C " + WORK + " " + dirName
                    + " | curl -sS -f -o /dev/null -T - " + nginx.uri("/up/dir-durable.tar") + " && sync "
                    + nginxRoot.resolve("up").resolve("dir-durable.tar") + " " + nginxRoot.resolve("up"));
                sh("rm -f " + nginxRoot.resolve("up").resolve("dir-durable.tar") + " && sync");
                // The same work as our server does besides storing: a SHA-256 of the whole stream (openssl,
                // which uses the CPU's SHA instructions as the JVM does), here through tee on the client side.
                double nginxHashedSeconds = timed("tar -cf - -C " + WORK + " " + dirName + " | tee >(openssl dgst"
                    + " -sha256 -r > /dev/null) | curl -sS -f -o /dev/null -T - " + nginx.uri("/up/dir-hashed.tar")
                    + " && sync " + nginxRoot.resolve("up").resolve("dir-hashed.tar") + " " + nginxRoot.resolve("up"));
                sh("rm -f " + nginxRoot.resolve("up").resolve("dir-hashed.tar") + " && sync");
                start = System.nanoTime();
                String answer = sh("tar -cf - -C " + WORK + " " + dirName + " | curl -sS -f -T - '"
                    + ours.uri("/api/v1/resources?" + OWNER_QUERY) + "'");
                double tarOursSeconds = (System.nanoTime() - start) / 1e9;
                sh("curl -sS -f -X DELETE -H 'Authorization: Bearer " + group(SECRET, answer) + "' "
                    + ours.uri("/api/v1/resources/" + group(ID, answer)));
                if (round > 0) {
                    ourClient.add(ourSeconds);
                    tarCurlNginx.add(nginxSeconds);
                    tarCurlOurs.add(tarOursSeconds);
                    tarCurlNginxDurable.add(nginxDurableSeconds);
                    tarCurlNginxHashed.add(nginxHashedSeconds);
                }
            }
        } finally {
            sh("rm -rf " + ourStore + " " + nginxRoot);
        }
        StringBuilder md = new StringBuilder("# Packing and uploading a directory\n\n")
            .append(BenchEnvironment.machine()).append("\n\n")
            .append(files).append(" files, ").append(total >> 20).append(" MiB in total, in 20 sub-directories; "
                + "uncompressed tar. Ours: `HttpResourceStager` (commons-compress headers + FileIO, Pekko HTTP "
                + "upload with the archive's Content-Length) into our server, which has the bundle on disk "
                + "(fsynced) before it answers. Baseline: `tar -cf - dir | curl -T -` into nginx. "
                + "One warm-up round, then ").append(ROUNDS).append(" interleaved rounds; median.\n\n")
            .append("| client -> server | GB/s | ratio to baseline | goal |\n|---|---|---|---|\n")
            .append("| HttpResourceStager -> ours | ").append(gbPerSecond(total, median(ourClient))).append(" | ")
            .append(f2(median(tarCurlNginx) / median(ourClient))).append(" | ≥ 0.9 |\n")
            .append("| tar \\| curl -> ours | ").append(gbPerSecond(total, median(tarCurlOurs))).append(" | ")
            .append(f2(median(tarCurlNginx) / median(tarCurlOurs))).append(" | |\n")
            .append("| tar \\| curl -> nginx (baseline) | ").append(gbPerSecond(total, median(tarCurlNginx)))
            .append(" | 1.00 | |\n")
            .append("| tar \\| curl -> nginx, then `sync` of the file and its directory (a durable baseline) | ")
            .append(gbPerSecond(total, median(tarCurlNginxDurable))).append(" | ")
            .append(f2(median(tarCurlNginx) / median(tarCurlNginxDurable))).append(" | |\n")
            .append("| tar \\| tee >(openssl dgst -sha256) \\| curl -> nginx, then `sync` as above (the same work as "
                + "ours: durable and hashed) | ").append(gbPerSecond(total, median(tarCurlNginxHashed))).append(" | ")
            .append(f2(median(tarCurlNginx) / median(tarCurlNginxHashed))).append(" | |\n")
            .append("\nHttpResourceStager -> ours relative to the durable baseline: ")
            .append(f2(median(tarCurlNginxDurable) / median(ourClient)))
            .append("; to the durable and hashed baseline: ").append(f2(median(tarCurlNginxHashed) / median(ourClient)))
            .append("; to `tar | curl` into our server (the client alone): ")
            .append(f2(median(tarCurlOurs) / median(ourClient))).append("\n");
        BenchEnvironment.write("directory-upload", md.toString());
    }

    @Test
    @Order(3)
    void memoryOfAServerWith96MiBHeapUnderLargeAndConcurrentUploads() throws Exception {
        long big = BenchEnvironment.sizeProperty("bench.memory.big", 8L << 30);
        long each = BenchEnvironment.sizeProperty("bench.memory.each", 512L << 20);
        int concurrent = 16;
        Path store = WORK.resolve("store-memory");
        double bigSeconds;
        double concurrentSeconds;
        long rssAfterBig;
        long rssPeak;
        try (Child ours = BenchEnvironment.startStagingServer(store, "-Xmx96m")) {
            String url = "'" + ours.uri("/api/v1/resources?" + OWNER_QUERY) + "'";
            long start = System.nanoTime();
            String code = sh("head -c " + big + " /dev/zero | curl -sS -o /dev/null -w '%{http_code}' -T - " + url);
            bigSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(code).as("8 GiB upload into a 96 MiB heap").isEqualTo("201");
            rssAfterBig = ours.peakRssBytes();
            sh("rm -rf " + store + "/blobs/* " + store + "/index/*");
            start = System.nanoTime();
            String codes = sh("for i in $(seq " + concurrent + "); do (head -c " + each + " /dev/zero | curl -sS -o"
                + " /dev/null -w '%{http_code}\\n' -T - " + url + ") & done; wait");
            concurrentSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(codes.lines().toList()).hasSize(concurrent).containsOnly("201");
            rssPeak = ours.peakRssBytes();
        } finally {
            sh("rm -rf " + store);
        }
        String md = "# Memory: server with -Xmx96m\n\n" + BenchEnvironment.machine() + "\n\n"
            + "Uploads streamed from `head -c N /dev/zero | curl -T -` (chunked) into our server started with"
            + " `-Xmx96m`. Peak RSS = VmHWM of the server process (heap + metaspace + JIT + buffers).\n\n"
            + "| load | result | time s | GB/s | peak RSS MiB |\n|---|---|---|---|---|\n"
            + "| one " + (big >> 20) + " MiB upload | 201 | " + f2(bigSeconds) + " | " + gbPerSecond(big, bigSeconds)
            + " | " + (rssAfterBig >> 20) + " |\n"
            + "| " + concurrent + " concurrent " + (each >> 20) + " MiB uploads | all 201 | " + f2(concurrentSeconds)
            + " | " + gbPerSecond(each * concurrent, concurrentSeconds) + " | " + (rssPeak >> 20) + " |\n";
        BenchEnvironment.write("memory", md);
    }

    @Test
    @Order(4)
    void manySmallBundlesConcurrentlyAgainstNginx() throws Exception {
        int ops = Integer.getInteger("bench.small.ops", 3000);
        int clients = 64;
        byte[] bundle = new byte[64 * 1024];
        Path ourStore = WORK.resolve("store-small");
        Path nginxRoot = Files.createDirectories(WORK.resolve("nginx-small"));
        Result[] ourResults = new Result[ROUNDS];
        Result[] nginxResults = new Result[ROUNDS];
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Child ours = BenchEnvironment.startStagingServer(ourStore);
             Child nginx = BenchEnvironment.startNginx(nginxRoot)) {
            SmallOp ourOp = () -> {
                long t0 = System.nanoTime();
                HttpResponse<String> up = http.send(HttpRequest.newBuilder(ours.uri("/api/v1/resources?"
                    + OWNER_QUERY)).PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(),
                    HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(ours.uri("/api/v1/resources/"
                    + group(ID, up.body()))).header("Authorization", "Bearer " + group(SECRET, up.body())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                check(up.statusCode() == 201 && down.statusCode() == 200 && down.body().length == bundle.length);
                return new long[] {t1 - t0, System.nanoTime() - t1};
            };
            SmallOp nginxOp = () -> {
                URI uri = nginx.uri("/up/small/" + UUID.randomUUID());
                long t0 = System.nanoTime();
                HttpResponse<String> up = http.send(HttpRequest.newBuilder(uri)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(), HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                check(up.statusCode() == 201 && down.statusCode() == 200 && down.body().length == bundle.length);
                return new long[] {t1 - t0, System.nanoTime() - t1};
            };
            run(pool, ourOp, ops / 4);
            run(pool, nginxOp, ops / 4);
            for (int round = 0; round < ROUNDS; round++) {
                ourResults[round] = run(pool, ourOp, ops);
                nginxResults[round] = run(pool, nginxOp, ops);
            }
        } finally {
            pool.shutdownNow();
            sh("rm -rf " + ourStore + " " + nginxRoot);
        }
        StringBuilder md = new StringBuilder("# Many small bundles, 64 concurrent clients\n\n")
            .append(BenchEnvironment.machine()).append("\n\n")
            .append(ops).append(" operations per round, each = upload a 64 KiB bundle then download it, from 64"
                + " threads of one JDK HttpClient (HTTP/1.1) — the same client for both servers; ours fsyncs"
                + " blob and index before answering, nginx (WebDAV PUT) does not. Warm-up, then ")
            .append(ROUNDS).append(" interleaved rounds.\n\n")
            .append("| round | server | operations/s | upload p50 ms | upload p99 ms | download p50 ms |"
                + " download p99 ms |\n|---|---|---|---|---|---|---|\n");
        for (int round = 0; round < ROUNDS; round++) {
            md.append(ourResults[round].row(round + 1, "ours")).append(nginxResults[round].row(round + 1, "nginx"));
        }
        BenchEnvironment.write("small-bundles", md.toString());
    }

    @FunctionalInterface
    private interface SmallOp {
        long[] run() throws Exception;
    }

    private record Result(double opsPerSecond, List<Long> up, List<Long> down) {
        String row(int round, String server) {
            return "| " + round + " | " + server + " | " + f2(opsPerSecond) + " | " + ms(up, 0.5) + " | "
                + ms(up, 0.99) + " | " + ms(down, 0.5) + " | " + ms(down, 0.99) + " |\n";
        }

        private static String ms(List<Long> sorted, double quantile) {
            return f2(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1)) / 1e6);
        }
    }

    private static Result run(ExecutorService pool, SmallOp op, int count) throws Exception {
        List<Future<long[]>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(op::run));
        }
        List<Long> up = new ArrayList<>();
        List<Long> down = new ArrayList<>();
        for (Future<long[]> future : futures) {
            long[] times = future.get(5, TimeUnit.MINUTES);
            up.add(times[0]);
            down.add(times[1]);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(up);
        Collections.sort(down);
        return new Result(count / seconds, up, down);
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a small-bundle operation failed");
        }
    }

    private static String row(String operation, long bytes, List<Double> ours, List<Double> baseline, String goal) {
        return "| " + operation + " | " + gbPerSecond(bytes, median(ours)) + " | " + gbPerSecond(bytes,
            median(baseline)) + " | " + f2(median(baseline) / median(ours)) + " | " + goal + " |\n";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in the answer: " + text);
        }
        return matcher.group(1);
    }
}
