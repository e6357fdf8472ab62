package io.sparkk8s.actors.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.actors.owners.OwnerWatcher;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.store.BundleDownload;
import io.sparkk8s.staging.store.BundleState;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.staging.store.NewBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner's state machine against a real local-disk store, with the scheduler's time
 * ({@link ManualTime}) and the store's clock moved together by the test; the owner watcher is a
 * probe that speaks its protocol.
 */
class StagedResourcesCleanerTest {

    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
    private static final ExecutorService IO = Executors.newCachedThreadPool();
    private static final Materializer MATERIALIZER = Materializer.matFromSystem(TEST_KIT.system());
    private static final Duration UNUSED_TIMEOUT = Duration.ofMinutes(30);
    private static final CleanerSettings SETTINGS = new CleanerSettings(UNUSED_TIMEOUT, Duration.ofSeconds(1),
        Duration.ofSeconds(5));
    private static final StagedResourcesOwner OWNER = new StagedResourcesOwner("team-a",
        Map.of("spark-app-selector", "spark-1"), "Pod");
    private static final StagedResourcesOwner OTHER_OWNER = new StagedResourcesOwner("team-a",
        Map.of("spark-app-selector", "spark-2"), "Pod");

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final CleanupCounters metrics = new CleanupCounters();
    private final TestProbe<OwnerWatcher.Command> watcher = TEST_KIT.createTestProbe();
    private final TestProbe<StagedResourcesCleaner.BundleDeleted> deletions = TEST_KIT.createTestProbe();
    private LocalDiskBlobStore store;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
        IO.shutdownNow();
    }

    @BeforeEach
    void openStore() throws IOException {
        store = LocalDiskBlobStore.open(root, IO, MATERIALIZER, clock, FileIO::toPath);
    }

    @Test
    void deletesABundleNeverDownloadedWhenTheUnusedTimeoutHasPassed() throws Exception {
        NewBundle bundle = upload(OWNER);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();

        advance(UNUSED_TIMEOUT.minusSeconds(1));
        deletions.expectNoMessage(Duration.ofMillis(300));
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isPresent();

        advance(Duration.ofSeconds(1));
        StagedResourcesCleaner.BundleDeleted deleted = deletions.expectMessageClass(
            StagedResourcesCleaner.BundleDeleted.class);
        assertThat(deleted.entry().id()).isEqualTo(id(bundle));
        assertThat(deleted.reason()).isEqualTo(DeletionReason.UNUSED_EXPIRED);
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isEmpty();
        assertThat(metrics.snapshot().deletions()).containsEntry(DeletionReason.UNUSED_EXPIRED, 1L);
        assertThat(tracked(cleaner)).isEmpty();
        watcher.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void keepsADownloadedBundlePastTheUnusedTimeoutAndWatchesItsOwner() throws Exception {
        NewBundle bundle = upload(OWNER);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();

        download(bundle);
        cleaner.tell(new StagedResourcesCleaner.Rescan());

        OwnerWatcher.Watch watch = watcher.expectMessageClass(OwnerWatcher.Watch.class);
        assertThat(watch.owner()).isEqualTo(OWNER);
        advance(UNUSED_TIMEOUT.multipliedBy(3));
        deletions.expectNoMessage(Duration.ofMillis(300));
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isPresent();
        assertThat(tracked(cleaner)).containsEntry(id(bundle), BundleState.USED);
    }

    @Test
    void aDownloadJustBeforeTheTimeoutWinsOverExpiryEvenIfTheCleanerWasNotToldOfIt() throws Exception {
        NewBundle bundle = upload(OWNER);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();

        advance(UNUSED_TIMEOUT.minusSeconds(1));
        download(bundle);
        // No Rescan: the expiry timer fires with the cleaner still believing the bundle unused.
        clock.advance(Duration.ofSeconds(1));
        TIME.timePasses(Duration.ofSeconds(1));

        watcher.expectMessageClass(OwnerWatcher.Watch.class, Duration.ofSeconds(5));
        deletions.expectNoMessage(Duration.ofMillis(200));
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isPresent();
        assertThat(tracked(cleaner)).containsEntry(id(bundle), BundleState.USED);
    }

    @Test
    void deletesAUsedBundleWhenItsOwnerIsGoneAndStopsWatchingIt() throws Exception {
        NewBundle bundle = upload(OWNER);
        download(bundle);
        startCleaner();
        OwnerWatcher.Watch watch = watcher.expectMessageClass(OwnerWatcher.Watch.class);
        Instant observed = clock.instant();

        clock.advance(Duration.ofMillis(40));
        watch.replyTo().tell(new OwnerWatcher.OwnerGone(OWNER, OwnerWatcher.GoneReason.OWNER_DELETED, observed,
            observed));

        StagedResourcesCleaner.BundleDeleted deleted = deletions.expectMessageClass(
            StagedResourcesCleaner.BundleDeleted.class);
        assertThat(deleted.reason()).isEqualTo(DeletionReason.OWNER_DELETED);
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isEmpty();
        OwnerWatcher.Unwatch unwatch = watcher.expectMessageClass(OwnerWatcher.Unwatch.class);
        assertThat(unwatch.owner()).isEqualTo(OWNER);
        assertThat(unwatch.replyTo()).isEqualTo(watch.replyTo());
        CleanupMetrics.Snapshot figures = metrics.snapshot();
        assertThat(figures.deletions()).containsEntry(DeletionReason.OWNER_DELETED, 1L);
        assertThat(figures.latencyCount()).isEqualTo(1);
        assertThat(figures.latencyMax()).isEqualTo(Duration.ofMillis(40));
        assertThat(figures.bundlesStored()).isZero();
    }

    @Test
    void namesNamespaceDeletionAsTheReasonWhenTheWatcherSaysSo() throws Exception {
        NewBundle bundle = upload(OWNER);
        download(bundle);
        startCleaner();
        OwnerWatcher.Watch watch = watcher.expectMessageClass(OwnerWatcher.Watch.class);

        watch.replyTo().tell(new OwnerWatcher.OwnerGone(OWNER, OwnerWatcher.GoneReason.NAMESPACE_DELETED,
            clock.instant(), clock.instant()));

        assertThat(deletions.expectMessageClass(StagedResourcesCleaner.BundleDeleted.class).reason())
            .isEqualTo(DeletionReason.NAMESPACE_DELETED);
        assertThat(store.find(id(bundle)).toCompletableFuture().get()).isEmpty();
    }

    @Test
    void watchesEachOwnerOnceAndOnlyTheGoneOwnersBundlesAreDeleted() throws Exception {
        NewBundle first = upload(OWNER);
        NewBundle second = upload(OWNER);
        NewBundle other = upload(OTHER_OWNER);
        download(first);
        download(second);
        download(other);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();
        List<OwnerWatcher.Watch> watches = watcher.receiveSeveralMessages(2).stream()
            .map(OwnerWatcher.Watch.class::cast).toList();
        assertThat(watches).extracting(OwnerWatcher.Watch::owner).containsExactlyInAnyOrder(OWNER, OTHER_OWNER);
        watcher.expectNoMessage(Duration.ofMillis(200));
        assertThat(tracked(cleaner)).hasSize(3);

        ActorRef<OwnerWatcher.OwnerEvent> events = watches.get(0).replyTo();
        events.tell(new OwnerWatcher.OwnerGone(OWNER, OwnerWatcher.GoneReason.OWNER_DELETED, clock.instant(),
            clock.instant()));

        assertThat(deletions.receiveSeveralMessages(2)).extracting(d -> d.entry().id())
            .containsExactlyInAnyOrder(id(first), id(second));
        assertThat(watcher.expectMessageClass(OwnerWatcher.Unwatch.class).owner()).isEqualTo(OWNER);
        assertThat(store.find(id(other)).toCompletableFuture().get()).isPresent();
        assertThat(tracked(cleaner)).containsOnlyKeys(id(other));
    }

    @Test
    void resumesFromTheDurableIndexAfterARestart() throws Exception {
        NewBundle unused = upload(OWNER);
        NewBundle used = upload(OTHER_OWNER);
        download(used);
        ActorRef<StagedResourcesCleaner.Command> before = startCleaner();
        watcher.expectMessageClass(OwnerWatcher.Watch.class);
        advance(Duration.ofMinutes(20));
        TEST_KIT.stop(before);

        store = LocalDiskBlobStore.open(root, IO, MATERIALIZER, clock, FileIO::toPath);
        ActorRef<StagedResourcesCleaner.Command> after = startCleaner();

        assertThat(tracked(after)).containsOnlyKeys(id(unused), id(used));
        assertThat(watcher.expectMessageClass(OwnerWatcher.Watch.class).owner()).isEqualTo(OTHER_OWNER);
        // The unused bundle keeps its original deadline: 10 more minutes, not a fresh 30.
        advance(Duration.ofMinutes(10));
        StagedResourcesCleaner.BundleDeleted deleted = deletions.expectMessageClass(
            StagedResourcesCleaner.BundleDeleted.class);
        assertThat(deleted.entry().id()).isEqualTo(id(unused));
        assertThat(store.find(id(used)).toCompletableFuture().get()).isPresent();
    }

    @Test
    void forgetsABundleDeletedBySomeoneElseAndStopsWatchingItsOwner() throws Exception {
        NewBundle bundle = upload(OWNER);
        download(bundle);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();
        watcher.expectMessageClass(OwnerWatcher.Watch.class);

        assertThat(store.delete(id(bundle)).toCompletableFuture().get()).isTrue();
        cleaner.tell(new StagedResourcesCleaner.Rescan());

        assertThat(watcher.expectMessageClass(OwnerWatcher.Unwatch.class).owner()).isEqualTo(OWNER);
        assertThat(tracked(cleaner)).isEmpty();
        deletions.expectNoMessage(Duration.ofMillis(100));
        assertThat(metrics.snapshot().deletions().values()).containsOnly(0L);
    }

    @Test
    void countsStoredBundlesAndBytes() throws Exception {
        upload(OWNER);
        upload(OTHER_OWNER);
        ActorRef<StagedResourcesCleaner.Command> cleaner = startCleaner();

        tracked(cleaner);

        assertThat(metrics.snapshot().bundlesStored()).isEqualTo(2);
        assertThat(metrics.snapshot().bytesStored()).isEqualTo(2L * "some jar bytes".length());
    }

    private ActorRef<StagedResourcesCleaner.Command> startCleaner() {
        ActorRef<StagedResourcesCleaner.Command> cleaner = TEST_KIT.spawn(StagedResourcesCleaner.create(
            new BlobStoreStagedBundles(store), watcher.getRef(), SETTINGS, clock, metrics));
        cleaner.tell(new StagedResourcesCleaner.Subscribe(deletions.getRef()));
        tracked(cleaner);
        return cleaner;
    }

    private static Map<String, BundleState> tracked(ActorRef<StagedResourcesCleaner.Command> cleaner) {
        TestProbe<StagedResourcesCleaner.Tracked> reply = TEST_KIT.createTestProbe();
        cleaner.tell(new StagedResourcesCleaner.GetTracked(reply.getRef()));
        return reply.expectMessageClass(StagedResourcesCleaner.Tracked.class).states();
    }

    /** Moves the store's clock, then the scheduler's time, so timers fire seeing the new time. */
    private void advance(Duration duration) {
        clock.advance(duration);
        TIME.timePasses(duration);
    }

    private NewBundle upload(StagedResourcesOwner owner) throws Exception {
        return store.write(Source.single(ByteString.fromString("some jar bytes")))
            .thenCompose(pending -> pending.commit(owner)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void download(NewBundle bundle) throws Exception {
        BundleDownload download = store.open(id(bundle), bundle.secret()).toCompletableFuture()
            .get(10, TimeUnit.SECONDS).orElseThrow();
        download.content().runWith(Sink.ignore(), MATERIALIZER).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String id(NewBundle bundle) {
        return bundle.entry().id();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
