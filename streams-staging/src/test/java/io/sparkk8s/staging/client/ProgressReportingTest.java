package io.sparkk8s.staging.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.staging.tar.TarPacking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Compression;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressReportingTest {

    private static ActorSystem system;
    private static Materializer materializer;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("progress-reporting-test");
        materializer = Materializer.matFromSystem(system);
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCompressedTransferReportsTheShareFromTheTarBytesAndTheBytesSent() throws Exception {
        List<StagingProgress> reports = new CopyOnWriteArrayList<>();
        long tarSize = 64L * 16 * 1024;
        Source<ByteString, ?> tar = Source.range(1, 64).map(i -> ByteString.fromArray(random(16 * 1024, i)));

        long sent = tar.via(ProgressReporting.compressing(Compression.gzip(), reports::add, Duration.ZERO, tarSize))
            .runWith(Sink.fold(0L, (n, chunk) -> n + chunk.size()), materializer).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

        StagingProgress last = reports.get(reports.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.bytes()).isEqualTo(sent);
        assertThat(last.tarBytes()).isEqualTo(tarSize);
        List<StagingProgress> running = reports.stream().filter(p -> !p.finished()).toList();
        assertThat(running).isNotEmpty().allSatisfy(p -> {
            assertThat(p.compressed()).isTrue();
            assertThat(p.expectedBytes()).isEqualTo(-1);
            assertThat(p.fraction()).isPresent();
            assertThat(p.fraction().getAsDouble()).isEqualTo((double) p.tarBytes() / tarSize);
        });
        assertThat(running.get(0).fraction().getAsDouble()).isLessThan(0.5);
        assertThat(running).extracting(StagingProgress::tarBytes).isSorted();
    }

    @Test
    void aGzipStagerReportsTheShareOfTheTarPackedWhileItSends() throws Exception {
        Path file = Files.write(dir.resolve("app.jar"), random(2 * 1024 * 1024, 7));
        List<StagingProgress> reports = new CopyOnWriteArrayList<>();
        HttpResourceStager stager = new HttpResourceStager(null, Executors.newSingleThreadExecutor(), true,
            reports::add, Duration.ZERO);
        long tarSize = TarPacking.archiveSize(List.of(file));

        stager.bundle(List.of(file)).runWith(Sink.ignore(), materializer).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

        assertThat(reports).isNotEmpty().allSatisfy(p -> assertThat(p.expectedTarBytes()).isEqualTo(tarSize));
        assertThat(reports.stream().filter(p -> !p.finished() && p.fraction().isPresent())
            .mapToDouble(p -> p.fraction().getAsDouble())).isNotEmpty().allMatch(f -> f > 0 && f <= 1);
        assertThat(reports.get(reports.size() - 1).tarBytes()).isEqualTo(tarSize);
    }

    @Test
    void anUncompressedTransferCountsTheSameBytesTwice() {
        StagingProgress progress = new StagingProgress(250, 10, false, 1000);

        assertThat(progress.tarBytes()).isEqualTo(250);
        assertThat(progress.expectedTarBytes()).isEqualTo(1000);
        assertThat(progress.compressed()).isFalse();
        assertThat(progress.fraction()).hasValue(0.25);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
