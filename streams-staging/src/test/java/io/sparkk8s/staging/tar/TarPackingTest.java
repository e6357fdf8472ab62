package io.sparkk8s.staging.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Compression;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarPackingTest {

    private static ActorSystem system;
    private static Materializer materializer;
    private static ExecutorService io;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("tar-packing-test");
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
    void packsFilesByNameAndDirectoriesByRelativePathReadableByGnuTar() throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Path jar = write(inputs.resolve("app.jar"), 70_001);
        Path deps = Files.createDirectories(inputs.resolve("deps"));
        write(deps.resolve("a.jar"), 512);
        write(Files.createDirectories(deps.resolve("nested")).resolve("b.txt"), 0);
        String longName = "x".repeat(140) + ".jar";
        write(deps.resolve(longName), 1234);

        byte[] tar = pack(List.of(jar, deps));
        Path archive = Files.write(tmp.resolve("bundle.tar"), tar);
        Path out = Files.createDirectories(tmp.resolve("gnu-tar-out"));
        Process gnuTar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", out.toString())
            .redirectErrorStream(true).start();

        assertThat(gnuTar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(gnuTar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        assertThat(gnuTar.exitValue()).isZero();
        assertThat(entryNames(tar)).containsExactly("app.jar", "deps/", "deps/a.jar", "deps/nested/",
            "deps/nested/b.txt", "deps/" + longName);
        assertSameTree(jar, out.resolve("app.jar"));
        assertSameTree(deps, out.resolve("deps"));
        assertThat(tar.length % 512).isZero();
    }

    @Test
    void packedBundlesExtractBackToTheSameTreeWithOrWithoutGzip() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("conf"));
        for (int i = 0; i < 50; i++) {
            write(dir.resolve("file-" + i), i * 997);
        }
        Path plainOut = tmp.resolve("plain");
        Path gzipOut = tmp.resolve("gzip");

        Extracted plain = SafeTarExtraction.extract(TarPacking.tar(List.of(dir), io), plainOut,
            ExtractionLimits.DEFAULT, Duration.ofSeconds(30), materializer, io).toCompletableFuture().get();
        Extracted gzipped = SafeTarExtraction.extract(TarPacking.tar(List.of(dir), io).via(Compression.gzip()),
            gzipOut, ExtractionLimits.DEFAULT, Duration.ofSeconds(30), materializer, io).toCompletableFuture().get();

        assertSameTree(dir, plainOut.resolve("conf"));
        assertSameTree(dir, gzipOut.resolve("conf"));
        assertThat(plain.entries()).isEqualTo(51);
        assertThat(gzipped).isEqualTo(plain);
    }

    @Test
    void refusesTwoInputsWithTheSameNameNamingBoth() throws Exception {
        Path first = write(Files.createDirectories(tmp.resolve("a")).resolve("lib.jar"), 10);
        Path second = write(Files.createDirectories(tmp.resolve("b")).resolve("lib.jar"), 10);

        assertThatThrownBy(() -> pack(List.of(first, second))).isInstanceOf(ExecutionException.class)
            .rootCause().hasMessageContaining(first.toString()).hasMessageContaining(second.toString())
            .hasMessageContaining("'lib.jar'");
    }

    @Test
    void refusesAMissingInputNamingIt() {
        Path missing = tmp.resolve("missing.jar");

        assertThatThrownBy(() -> pack(List.of(missing))).isInstanceOf(ExecutionException.class)
            .rootCause().hasMessageContaining(missing + ": no such file or directory");
    }

    @Test
    void archiveSizeIsExactlyTheNumberOfBytesTheArchiveHas() throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("sized"));
        Path jar = write(inputs.resolve("app.jar"), 70_001);
        Path empty = write(inputs.resolve("empty.txt"), 0);
        Path deps = Files.createDirectories(inputs.resolve("deps"));
        write(deps.resolve("block.jar"), 512);
        write(deps.resolve("y".repeat(99) + ".jar"), 1);
        // An entry name over 512 bytes: its GNU long-name entry takes two blocks of content.
        Path deep = Files.createDirectories(deps.resolve("z".repeat(200)).resolve("w".repeat(200)));
        write(deep.resolve("v".repeat(200) + ".jar"), 513);

        List<Path> all = List.of(jar, empty, deps);

        assertThat(TarPacking.archiveSize(all)).isEqualTo(pack(all).length);
    }

    private byte[] pack(List<Path> inputs) throws Exception {
        return TarPacking.tar(inputs, io).runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat),
            materializer).toCompletableFuture().get(30, TimeUnit.SECONDS).toArray();
    }

    private static List<String> entryNames(byte[] tar) throws Exception {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    static Path write(Path file, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size + file.getFileName().toString().hashCode()).nextBytes(bytes);
        return Files.write(file, bytes);
    }

    static void assertSameTree(Path expected, Path actual) throws Exception {
        if (Files.isRegularFile(expected)) {
            assertThat(Files.readAllBytes(actual)).as(actual.toString()).isEqualTo(Files.readAllBytes(expected));
            return;
        }
        List<String> expectedNames;
        List<String> actualNames;
        try (Stream<Path> e = Files.walk(expected); Stream<Path> a = Files.walk(actual)) {
            expectedNames = e.map(p -> expected.relativize(p).toString()).sorted().toList();
            actualNames = a.map(p -> actual.relativize(p).toString()).sorted().toList();
        }
        assertThat(actualNames).isEqualTo(expectedNames);
        for (String name : expectedNames) {
            if (Files.isRegularFile(expected.resolve(name))) {
                assertThat(Files.readAllBytes(actual.resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(expected.resolve(name)));
            }
        }
    }
}
