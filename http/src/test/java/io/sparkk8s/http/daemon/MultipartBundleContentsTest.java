package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The multipart POST checks each bundle's tar entries against the names of its submission part while
 * the bundle streams through to the staging server (real loopback HTTP, real staging server): a bundle
 * must hold exactly the named files; otherwise 400 naming the part, and nothing is left staged.
 */
class MultipartBundleContentsTest extends StagingBackedDaemonTest {

    static final long MAX_BUNDLE = 128L << 20;

    @Override
    long maxBundle() {
        return MAX_BUNDLE;
    }

    @Override
    Duration requestTimeout() {
        return Duration.ofSeconds(60);
    }

    @Test
    void aNamedFileMissingFromItsBundleIsAnswered400NamingItAndWhatTheBundleHoldsAndNothingStaysStaged()
        throws Exception {
        // files first (a correct bundle, staged), then a jars bundle without dep.jar
        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION),
            part("files", "application/x-tar", tar(entries("job.conf", random(50)))),
            part("jars", "application/x-tar", tar(entries("etl.jar", random(20_000))))), true);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("field").asText()).isEqualTo("jars");
        assertThat(body.get("message").asText()).contains("lacks").contains("'dep.jar' (jars)")
            .doesNotContain("'etl.jar' (primaryResource)").contains("it holds 'etl.jar'");
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void aBundleLackingManyNamesListsTheFirstOnesAndHowManyMore() throws Exception {
        List<String> names = IntStream.range(0, 30).mapToObj(i -> String.format("lib-%02d.jar", i)).toList();
        String submission = SUBMISSION.replace("\"jars\":[\"dep.jar\"]", "\"jars\":" + JSON.writeValueAsString(names))
            .replace("\"files\":[\"job.conf\"],", "");

        HttpResponse<String> r = post(multipart(part("submission", "application/json", submission),
            part("jars", "application/x-tar", tar(entries("etl.jar", random(10), "lib-29.jar", random(10))))),
            false);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        String message = JSON.readTree(r.body()).get("message").asText();
        assertThat(message).contains("'lib-00.jar' (jars)").contains("'lib-09.jar' (jars)")
            .doesNotContain("lib-10.jar").contains("and 19 more").contains("it holds 'etl.jar', 'lib-29.jar'");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void aMissingPrimaryResourceAndAnEmptyBundleAreNamedToo() throws Exception {
        HttpResponse<String> noApp = post(multipart(part("submission", "application/json", SUBMISSION),
            part("jars", "application/x-tar", tar(entries("dep.jar", random(10))))), false);
        HttpResponse<String> empty = post(multipart(part("submission", "application/json", SUBMISSION),
            part("jars", "application/x-tar", tar(entries("etl.jar", random(10), "dep.jar", random(10)))),
            part("files", "application/x-tar", new byte[0])), false);

        assertThat(noApp.statusCode()).as(noApp.body()).isEqualTo(400);
        assertThat(JSON.readTree(noApp.body()).get("message").asText()).contains("'etl.jar' (primaryResource)");
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).get("field").asText()).isEqualTo("files");
        assertThat(JSON.readTree(empty.body()).get("message").asText()).contains("'job.conf' (files)")
            .contains("it holds none of them");
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void anEntryNoNameGivesIsAnswered400AndTheUploadIsStopped() throws Exception {
        // The unnamed entry comes first, then 32 MiB the daemon no longer needs to pass on.
        Map<String, byte[]> extra = entries("notes.txt", random(10), "etl.jar", random(32 << 20), "dep.jar",
            random(10));

        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION),
            part("jars", "application/x-tar", tar(extra))), true);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo("jars");
        assertThat(body.get("message").asText()).contains("'notes.txt' (a file)").contains("does not name")
            .contains("'etl.jar', 'dep.jar'");
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void directoriesLinksAndTwiceGivenNamesAreAnswered400NamingTheEntry() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("a directory", "'lib/' (a directory), which the submission does not name");
        cases.put("in a directory", "'lib/dep.jar' (a file), which the submission does not name");
        cases.put("a symbolic link", "'dep.jar' (named in jars) is a symbolic link to 'etl.jar'");
        cases.put("twice", "holds 'dep.jar' twice");
        for (var c : cases.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                file(tar, "etl.jar", random(100));
                switch (c.getKey()) {
                    case "a directory" -> tar.putArchiveEntry(new TarArchiveEntry("lib/"));
                    case "in a directory" -> file(tar, "lib/dep.jar", random(10));
                    case "a symbolic link" -> {
                        TarArchiveEntry link = new TarArchiveEntry("dep.jar", TarArchiveEntry.LF_SYMLINK);
                        link.setLinkName("etl.jar");
                        tar.putArchiveEntry(link);
                    }
                    default -> {
                        file(tar, "dep.jar", random(10));
                        file(tar, "./dep.jar", random(10));
                    }
                }
                if (c.getKey().startsWith("a ")) {
                    tar.closeArchiveEntry();
                }
            }

            HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION),
                part("jars", "application/x-tar", out.toByteArray())), false);

            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("jars");
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void aCorruptBundleIsAnswered400NamingThePartAndNothingStaysStaged() throws Exception {
        byte[] good = tar(entries("etl.jar", random(40_000), "dep.jar", random(30_000)));
        Map<String, byte[]> corrupt = new LinkedHashMap<>();
        corrupt.put("not a tar", random(70_000));
        corrupt.put("cut short", Arrays.copyOf(good, 20_000));
        byte[] badChecksum = good.clone();
        badChecksum[150] ^= 0x11;
        corrupt.put("a bad header checksum", badChecksum);
        byte[] gzip = gzip(good);
        corrupt.put("a broken gzip", Arrays.copyOf(gzip, gzip.length / 2));

        for (var c : corrupt.entrySet()) {
            HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION),
                part("files", "application/x-tar", tar(entries("job.conf", random(5)))),
                part("jars", "application/x-tar", c.getValue())), true);

            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("field").asText()).as(c.getKey()).isEqualTo("jars");
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(c.getKey())
                .contains("not a readable tar or tar.gz bundle");
        }
        assertThat(server.backend.submits.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(storedFiles()).isEmpty());
    }

    @Test
    void bundlesHoldingExactlyTheNamedFilesAreStagedByteForByteAsTarOrTarGz() throws Exception {
        // tar czf jars.tgz -C dir . : a "./" entry, names under "./"; the files bundle ends with extra zero records
        ByteArrayOutputStream jarsTar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(jarsTar)) {
            tar.putArchiveEntry(new TarArchiveEntry("./"));
            tar.closeArchiveEntry();
            file(tar, "./etl.jar", random(300_000));
            file(tar, "./dep.jar", random(0));
        }
        byte[] jars = gzip(jarsTar.toByteArray());
        ByteArrayOutputStream filesTar = new ByteArrayOutputStream();
        filesTar.write(tar(entries("job.conf", "rows=10\n".getBytes(StandardCharsets.UTF_8))));
        filesTar.write(new byte[10240]);
        byte[] files = filesTar.toByteArray();

        HttpResponse<String> r = post(multipart(part("submission", "application/json", SUBMISSION),
            part("jars", "application/gzip", jars), part("files", "application/x-tar", files)), true);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).get("id").asText();
        List<SubmittedResourceIdAndSecret> handed = server.backend.stagedBundles.get(id);
        assertThat(handed).hasSize(2);
        assertThat(sha256(handed.get(0))).isEqualTo(sha256(jars));
        assertThat(sha256(handed.get(1))).isEqualTo(sha256(files));
    }

    @Test
    void aLargeBundleOfManyEntriesStreamsThroughToTheStagingServerWhileItIsStillBeingSent() throws Exception {
        int count = 256;
        int size = 256 * 1024;
        List<String> names = IntStream.range(0, count).mapToObj(i -> String.format("lib-%03d.jar", i)).toList();
        String submission = SUBMISSION.replace("\"primaryResource\":\"etl.jar\"",
                "\"primaryResource\":\"local:///opt/etl.jar\"")
            .replace("\"jars\":[\"dep.jar\"]", "\"jars\":" + JSON.writeValueAsString(names))
            .replace("\"files\":[\"job.conf\"],", "");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        AtomicBoolean heldBack = new AtomicBoolean();
        // The bundle (64 MiB in 256 entries) is made while it is sent. After 48 MiB the sender waits until
        // the staging server has 16 MiB of it: a daemon that held the bundle back would never get there.
        InputStream bundle = new GeneratedTar(names, size, sent, 48L << 20, () -> {
            heldBack.set(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> storedBytes() >= (16L << 20));
        });
        InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
            new ByteArrayInputStream(head(submission)),
            bundle,
            new ByteArrayInputStream(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII)))));

        HttpResponse<String> r = server.send(server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(heldBack).isTrue();
        String id = JSON.readTree(r.body()).get("id").asText();
        SubmittedResourceIdAndSecret staged = server.backend.stagedBundles.get(id).get(0);
        assertThat(sha256(staged)).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        assertThat(((StagedUploads) server.backend.staged.get(id).stager()).jarNames())
            .containsExactlyInAnyOrderElementsOf(names);
    }

    // --- helpers

    /** The multipart body up to the jars part's content: the submission part, then the jars part's headers. */
    private static byte[] head(String submission) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] whole = multipart(part("submission", "application/json", submission));
        out.write(whole, 0, whole.length - ("--" + BOUNDARY + "--\r\n").length());
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"jars\"; filename=\"jars.tar\"\r\n"
            + "Content-Type: application/x-tar\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * A tar of {@code names}, each {@code size} random bytes, made as it is read; {@code pause} runs once
     * when {@code pauseAt} bytes were read.
     */
    private static final class GeneratedTar extends InputStream {
        private final java.util.Iterator<String> names;
        private final int size;
        private final MessageDigest digest;
        private final long pauseAt;
        private final Runnable pause;
        private final Random random = new Random(7);
        private final ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        private byte[] buffer = new byte[0];
        private int position;
        private long read;
        private boolean finished;
        private final TarArchiveOutputStream tar;

        GeneratedTar(List<String> names, int size, MessageDigest digest, long pauseAt, Runnable pause) {
            this.names = names.iterator();
            this.size = size;
            this.digest = digest;
            this.pauseAt = pauseAt;
            this.pause = pause;
            this.tar = new TarArchiveOutputStream(chunk);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position == buffer.length && !refill()) {
                return -1;
            }
            if (read < pauseAt && read + Math.min(len, buffer.length - position) >= pauseAt) {
                pause.run();
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            read += n;
            return n;
        }

        private boolean refill() throws IOException {
            if (finished) {
                return false;
            }
            chunk.reset();
            if (names.hasNext()) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                file(tar, names.next(), data);
            } else {
                tar.close();
                finished = true;
            }
            tar.flush();
            buffer = chunk.toByteArray();
            position = 0;
            digest.update(buffer);
            return buffer.length > 0 || refill();
        }
    }

    private long storedBytes() throws IOException {
        long total = 0;
        for (Path p : storedFiles()) {
            total += Files.size(p);
        }
        return total;
    }

    private HttpResponse<String> post(byte[] body, boolean chunked) throws Exception {
        return server.send(server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Name and content pairs, in order. */
    private static Map<String, byte[]> entries(Object... nameAndContent) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            entries.put((String) nameAndContent[i], (byte[]) nameAndContent[i + 1]);
        }
        return entries;
    }

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (var e : files.entrySet()) {
                file(tar, e.getKey(), e.getValue());
            }
        }
        return out.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private String sha256(SubmittedResourceIdAndSecret bundle) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        stagingClient.download(bundle.resourceId(), bundle.resourceSecret(),
                Sink.<ByteString>foreach(chunk -> digest.update(chunk.toArray())))
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        return HexFormat.of().formatHex(digest.digest());
    }

}
