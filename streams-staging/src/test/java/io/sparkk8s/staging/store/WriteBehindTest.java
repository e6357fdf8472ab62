package io.sparkk8s.staging.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {

    private static ActorSystem system;
    private static Materializer materializer;
    private static ExecutorService io;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("write-behind-test");
        materializer = Materializer.matFromSystem(system);
        io = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() throws Exception {
        io.shutdown();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void forcesTheFileWhileBytesStreamAndPassesThemUnchanged() throws Exception {
        Path file = dir.resolve("upload.part");
        WriteBehind writeBehind = new WriteBehind(file, 1024 * 1024, io);
        byte[] chunk = LocalDiskBlobStoreTest.randomBytes(64 * 1024);

        IOResult result = Source.repeat(ByteString.fromArray(chunk)).take(16 * 20).via(writeBehind.flow())
            .runWith(FileIO.toPath(file), materializer).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(result.getCount()).isEqualTo(20L * 1024 * 1024);
        assertThat(Files.size(file)).isEqualTo(20L * 1024 * 1024);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> writeBehind.forces() >= 1);
        writeBehind.close();
    }

    @Test
    void neverRecreatesAFileThatIsGoneAndIgnoresBytesBelowTheThreshold() throws Exception {
        Path gone = dir.resolve("failed.part");
        // Forces run inline, so they are over when the stream is.
        WriteBehind writeBehind = new WriteBehind(gone, 1024, Runnable::run);

        Source.single(ByteString.fromArray(new byte[4096])).via(writeBehind.flow())
            .runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), materializer).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        WriteBehind small = new WriteBehind(gone, 1024 * 1024, Runnable::run);
        Source.single(ByteString.fromArray(new byte[4096])).via(small.flow())
            .runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), materializer).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        writeBehind.close();
        small.close();

        assertThat(gone).doesNotExist();
        assertThat(small.forces()).isZero();
        assertThat(writeBehind.forces()).isZero();
    }
}
