package io.sparkk8s.staging.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.staging.Checksums;
import io.sparkk8s.staging.StagedResourcesOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiskBlobStoreTest {

    private static final StagedResourcesOwner OWNER =
        new StagedResourcesOwner("spark", Map.of("spark-app-selector", "app-1"), "Pod");

    private static ActorSystem system;
    private static Materializer materializer;
    private static ExecutorService io;

    @TempDir
    Path root;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("blob-store-test");
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
    void storedBundleReadsBackWithItsSecretAndIsMarkedUsed() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        byte[] content = randomBytes(3 * 1024 * 1024 + 17);

        NewBundle bundle = upload(store, content);
        BundleDownload download = store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()
            .orElseThrow();

        assertThat(bundle.entry().size()).isEqualTo(content.length);
        assertThat(bundle.entry().contentSha256()).isEqualTo(Checksums.sha256Hex(content));
        assertThat(bundle.entry().state()).isEqualTo(BundleState.UNUSED);
        assertThat(readAll(download)).isEqualTo(content);
        assertThat(download.entry().state()).isEqualTo(BundleState.USED);
        assertThat(store.find(bundle.entry().id()).toCompletableFuture().get().orElseThrow().state())
            .isEqualTo(BundleState.USED);
    }

    @Test
    void idsAreUuidsAndSecretsCarry256BitsAndDiffer() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);

        NewBundle first = upload(store, randomBytes(10));
        NewBundle second = upload(store, randomBytes(10));

        assertThat(java.util.UUID.fromString(first.entry().id()).toString()).isEqualTo(first.entry().id());
        assertThat(java.util.Base64.getUrlDecoder().decode(first.secret())).hasSize(32);
        assertThat(first.secret()).isNotEqualTo(second.secret());
        assertThat(first.entry().id()).isNotEqualTo(second.entry().id());
    }

    @Test
    void aRestartedStoreServesEveryAcknowledgedBundleAndItsIndexHoldsNoSecret() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        byte[] content = randomBytes(100_000);
        NewBundle bundle = upload(store, content);

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(restarted.list().toCompletableFuture().get()).containsExactly(bundle.entry());
        assertThat(readAll(restarted.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()
            .orElseThrow())).isEqualTo(content);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    .doesNotContain(bundle.secret());
            }
        }
    }

    @Test
    void usedStateSurvivesARestart() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        NewBundle bundle = upload(store, randomBytes(10));
        assertThat(store.markUsed(bundle.entry().id()).toCompletableFuture().get()).isTrue();

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(restarted.find(bundle.entry().id()).toCompletableFuture().get().orElseThrow().state())
            .isEqualTo(BundleState.USED);
    }

    @Test
    void theFirstDownloadIsRecordedDurably() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer, clock, FileIO::toPath);
        NewBundle bundle = upload(store, randomBytes(10));
        clock.now = clock.now.plusSeconds(60);
        readAll(store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get().orElseThrow());

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        BundleEntry entry = restarted.find(bundle.entry().id()).toCompletableFuture().get().orElseThrow();
        assertThat(entry.state()).isEqualTo(BundleState.USED);
        assertThat(entry.lastAccess()).isEqualTo(Instant.parse("2026-11-25T10:01:00Z"));
    }

    @Test
    void wrongSecretMissingSecretAndUnknownIdAllFindNothing() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        NewBundle bundle = upload(store, randomBytes(10));
        String id = bundle.entry().id();

        assertThat(store.open(id, bundle.secret() + "x").toCompletableFuture().get()).isEmpty();
        assertThat(store.open(id, "").toCompletableFuture().get()).isEmpty();
        assertThat(store.open(id, null).toCompletableFuture().get()).isEmpty();
        assertThat(store.open(java.util.UUID.randomUUID().toString(), bundle.secret()).toCompletableFuture().get())
            .isEmpty();
        assertThat(store.open("../index", bundle.secret()).toCompletableFuture().get()).isEmpty();
        assertThat(store.authorize(id, bundle.secret()).toCompletableFuture().get()).isTrue();
        assertThat(store.find(id).toCompletableFuture().get().orElseThrow().state()).isEqualTo(BundleState.UNUSED);
    }

    @Test
    void aFailedUploadLeavesNoFileAndNoEntry() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        Source<ByteString, ?> brokenBody = Source.single(ByteString.fromArray(randomBytes(50_000)))
            .concat(Source.failed(new IOException("connection reset by peer")));

        assertThatThrownBy(() -> store.write(brokenBody).toCompletableFuture().get())
            .isInstanceOf(ExecutionException.class).hasRootCauseMessage("connection reset by peer");

        assertNothingStored(store);
    }

    @Test
    void aFullDiskFailsWithInsufficientStorageAndLeavesNothing() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer, Clock.systemUTC(),
            path -> fullAfter(64 * 1024).toMat(FileIO.toPath(path), Keep.right()));
        byte[] content = randomBytes(1024 * 1024);

        assertThatThrownBy(() -> store.write(Source.from(chunks(content))).toCompletableFuture().get())
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InsufficientStorageException.class);

        assertNothingStored(store);
    }

    @Test
    void contentThatCannotBeMadeDurableFailsTheCommitAndLeavesNothing() throws Exception {
        // The store's blocking work waits behind a gate, so the test can break the uploaded file after the body
        // arrived and before its fsync runs: the commit's durability step then fails on a real file.
        GatedExecutor gated = new GatedExecutor(io);
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, gated, materializer);
        BlobStore.PendingBlob pending = store.write(Source.from(chunks(randomBytes(300_000))))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path uploaded;
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            uploaded = files.findFirst().orElseThrow();
        }
        Files.delete(uploaded);

        java.util.concurrent.CompletableFuture<NewBundle> commit = pending.commit(OWNER).toCompletableFuture();
        gated.open();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class);
        // the index entry written meanwhile is removed too; nothing is listed, nothing is served after a restart
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertNothingStored(store));
        assertNothingStored(LocalDiskBlobStore.open(root, io, materializer));
    }

    @Test
    void aDiscardedUploadLeavesNothing() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        BlobStore.PendingBlob pending = store.write(Source.single(ByteString.fromArray(randomBytes(1000))))
            .toCompletableFuture().get();
        assertThat(Files.list(root.resolve("tmp")).count()).isEqualTo(1);

        pending.discard();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertNothingStored(store));
    }

    @Test
    void aReadOpenedBeforeADeleteStreamsTheWholeBundleAndLaterReadsFindNothing() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        byte[] content = randomBytes(2 * 1024 * 1024);
        NewBundle bundle = upload(store, content);
        BundleDownload download = store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()
            .orElseThrow();

        assertThat(store.delete(bundle.entry().id()).toCompletableFuture().get()).isTrue();

        assertThat(readAll(download)).isEqualTo(content);
        assertThat(store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()).isEmpty();
        assertThat(store.delete(bundle.entry().id()).toCompletableFuture().get()).isFalse();
        assertNothingStored(store);
    }

    @Test
    void expiryDeletesOnlyNeverDownloadedBundlesOlderThanTheCutoff() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer, clock, FileIO::toPath);
        NewBundle oldUnused = upload(store, randomBytes(10));
        NewBundle oldUsed = upload(store, randomBytes(10));
        store.open(oldUsed.entry().id(), oldUsed.secret()).toCompletableFuture().get().orElseThrow();
        clock.now = clock.now.plus(Duration.ofMinutes(31));
        NewBundle recent = upload(store, randomBytes(10));

        List<BundleEntry> expired = store.expireUnused(clock.now.minus(Duration.ofMinutes(30)))
            .toCompletableFuture().get();

        assertThat(expired).extracting(BundleEntry::id).containsExactly(oldUnused.entry().id());
        assertThat(store.list().toCompletableFuture().get()).extracting(BundleEntry::id)
            .containsExactlyInAnyOrder(oldUsed.entry().id(), recent.entry().id());
    }

    @Test
    void listsBundlesByOwner() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        StagedResourcesOwner other = new StagedResourcesOwner("spark", Map.of("spark-app-selector", "app-2"), null);
        NewBundle mine = upload(store, randomBytes(10));
        store.write(Source.single(ByteString.fromString("x"))).thenCompose(p -> p.commit(other))
            .toCompletableFuture().get();

        assertThat(store.listByOwner(OWNER).toCompletableFuture().get()).containsExactly(mine.entry());
    }

    @Test
    void recoveryRemovesUnfinishedUploadsAndUnacknowledgedContent() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        NewBundle kept = upload(store, randomBytes(10));
        Files.write(root.resolve("tmp").resolve("crashed.part"), randomBytes(10));
        Files.write(root.resolve("blobs").resolve(java.util.UUID.randomUUID().toString()), randomBytes(10));

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(restarted.list().toCompletableFuture().get()).containsExactly(kept.entry());
        assertThat(Files.list(root.resolve("tmp")).count()).isZero();
        try (Stream<Path> files = Files.list(root.resolve("blobs"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                .containsExactlyInAnyOrder(kept.entry().id(), kept.entry().id() + ".json");
        }
    }

    @Test
    void recoveryRemovesEntriesWithoutContentAndHalfWrittenEntries() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        NewBundle kept = upload(store, randomBytes(10));
        NewBundle contentLost = upload(store, randomBytes(10));
        Files.delete(root.resolve("blobs").resolve(contentLost.entry().id()));
        Files.write(root.resolve("tmp").resolve(java.util.UUID.randomUUID() + ".json.tmp"), randomBytes(10));

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(restarted.list().toCompletableFuture().get()).containsExactly(kept.entry());
        assertThat(root.resolve("blobs").resolve(contentLost.entry().id() + ".json")).doesNotExist();
        assertThat(Files.list(root.resolve("tmp")).count()).isZero();
    }

    @Test
    void aStoreInTheEarlierLayoutIsMigratedAndServesEveryBundle() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        byte[] content = randomBytes(70_000);
        NewBundle bundle = upload(store, content);
        NewBundle used = upload(store, randomBytes(10));
        assertThat(store.markUsed(used.entry().id()).toCompletableFuture().get()).isTrue();
        // Rebuild the layout of earlier versions: entries in index/, content alone in blobs/, plus the
        // leftovers a crash could leave there (a half-written entry, an entry whose content is gone).
        Path index = Files.createDirectories(root.resolve("index"));
        for (NewBundle b : List.of(bundle, used)) {
            Files.move(root.resolve("blobs").resolve(b.entry().id() + ".json"),
                index.resolve(b.entry().id() + ".json"));
        }
        Files.write(index.resolve("." + bundle.entry().id() + ".json.tmp"), randomBytes(10));
        Files.copy(index.resolve(bundle.entry().id() + ".json"), index.resolve(java.util.UUID.randomUUID() + ".json"));

        LocalDiskBlobStore migrated = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(root.resolve("index")).doesNotExist();
        assertThat(migrated.list().toCompletableFuture().get()).containsExactlyInAnyOrder(bundle.entry(),
            used.entry().markedUsed());
        assertThat(readAll(migrated.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()
            .orElseThrow())).isEqualTo(content);
        LocalDiskBlobStore restartedAgain = LocalDiskBlobStore.open(root, io, materializer);
        assertThat(restartedAgain.find(bundle.entry().id()).toCompletableFuture().get().orElseThrow().state())
            .isEqualTo(BundleState.USED);
        assertThat(restartedAgain.list().toCompletableFuture().get()).hasSize(2);
    }

    @Test
    void concurrentUploadsAllSurviveARestart() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        List<java.util.concurrent.CompletableFuture<NewBundle>> uploads = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            byte[] content = randomBytes(1000 + i);
            uploads.add(store.write(Source.from(chunks(content))).thenCompose(pending -> pending.commit(OWNER))
                .toCompletableFuture());
        }
        List<BundleEntry> acknowledged = new java.util.ArrayList<>();
        for (java.util.concurrent.CompletableFuture<NewBundle> upload : uploads) {
            acknowledged.add(upload.get(30, TimeUnit.SECONDS).entry());
        }

        LocalDiskBlobStore restarted = LocalDiskBlobStore.open(root, io, materializer);

        assertThat(restarted.list().toCompletableFuture().get()).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    @Test
    void aLargeUploadFlushedWhileItStreamsArrivesWholeAndLeavesNoTemporaryFile() throws Exception {
        LocalDiskBlobStore store = LocalDiskBlobStore.open(root, io, materializer);
        byte[] content = randomBytes(40 * 1024 * 1024 + 5);

        NewBundle bundle = upload(store, content);

        assertThat(readAll(store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture().get()
            .orElseThrow())).isEqualTo(content);
        assertThat(Files.list(root.resolve("tmp")).count()).isZero();
    }

    static Flow<ByteString, ByteString, org.apache.pekko.NotUsed> fullAfter(long bytes) {
        AtomicLong written = new AtomicLong();
        return Flow.of(ByteString.class).map(chunk -> {
            if (written.addAndGet(chunk.size()) > bytes) {
                throw new IOException("No space left on device");
            }
            return chunk;
        });
    }

    private static NewBundle upload(BlobStore store, byte[] content) throws Exception {
        return store.write(Source.from(chunks(content))).thenCompose(pending -> pending.commit(OWNER))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static byte[] readAll(BundleDownload download) throws Exception {
        return download.content().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer)
            .toCompletableFuture().get(30, TimeUnit.SECONDS).toArray();
    }

    private void assertNothingStored(BlobStore store) throws Exception {
        assertThat(store.list().toCompletableFuture().get()).isEmpty();
        for (String dir : List.of("tmp", "blobs")) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                assertThat(files.toList()).as(dir).isEmpty();
            }
        }
    }

    static List<ByteString> chunks(byte[] content) {
        List<ByteString> chunks = new java.util.ArrayList<>();
        for (int offset = 0; offset < content.length; offset += 8192) {
            chunks.add(ByteString.fromArray(content, offset, Math.min(8192, content.length - offset)));
        }
        return chunks;
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Holds every task until {@link #open()}, then runs them, and later ones, on {@code target}. */
    private static final class GatedExecutor implements java.util.concurrent.Executor {
        private final java.util.concurrent.Executor target;
        private final List<Runnable> held = new java.util.ArrayList<>();
        private boolean open;

        GatedExecutor(java.util.concurrent.Executor target) {
            this.target = target;
        }

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (!open) {
                    held.add(task);
                    return;
                }
            }
            target.execute(task);
        }

        void open() {
            List<Runnable> release;
            synchronized (this) {
                open = true;
                release = List.copyOf(held);
                held.clear();
            }
            release.forEach(target::execute);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
