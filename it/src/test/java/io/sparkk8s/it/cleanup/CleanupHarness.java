package io.sparkk8s.it.cleanup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.actors.cleanup.BlobStoreStagedBundles;
import io.sparkk8s.actors.cleanup.CleanerSettings;
import io.sparkk8s.actors.cleanup.CleanupCounters;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.actors.owners.OwnerWatchHealth;
import io.sparkk8s.actors.owners.OwnerWatcher;
import io.sparkk8s.actors.owners.OwnerWatcherSettings;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.store.BundleDownload;
import io.sparkk8s.staging.store.LocalDiskBlobStore;
import io.sparkk8s.staging.store.NewBundle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One "staging server process" as far as cleanup goes: a local-disk store under a directory, an
 * {@link OwnerWatcher} over a client and a {@link StagedResourcesCleaner}, wired as the staging server
 * main is meant to wire them. {@link #close()} stops the actors (as a process exit would); a new
 * harness over the same directory is the restarted process.
 */
final class CleanupHarness implements AutoCloseable {

    static final OwnerWatcherSettings WATCHER_SETTINGS = new OwnerWatcherSettings(Duration.ZERO,
        Duration.ofMillis(200), Duration.ofMillis(500));
    static final CleanerSettings CLEANER_SETTINGS = new CleanerSettings(Duration.ofMinutes(30),
        Duration.ofMillis(500), Duration.ofMillis(500));

    private static final String STOP_CLEANER = "stop-cleaner";
    private static final String CLEANER_STOPPED = "cleaner-stopped";

    final LocalDiskBlobStore store;
    final OwnerWatchHealth health = new OwnerWatchHealth();
    final CleanupCounters metrics = new CleanupCounters();
    /** Every bundle the cleaner deletes, in order. */
    final LinkedBlockingQueue<StagedResourcesCleaner.BundleDeleted> deleted = new LinkedBlockingQueue<>();
    /** When the cleaner reported each deletion ({@link System#nanoTime()}), by bundle id. */
    final Map<String, Long> deletedAtNanos = new ConcurrentHashMap<>();
    final ActorRef<StagedResourcesCleaner.Command> cleaner;
    private final ActorRef<Object> parent;
    private final Materializer materializer;
    private final CompletableFuture<Void> stopped;
    private final CompletableFuture<Void> cleanerStopped = new CompletableFuture<>();

    private CleanupHarness(ActorSystem<?> system, KubernetesClient client, Path storeRoot, String name)
        throws Exception {
        Executor blockingIo = system.dispatchers().lookup(DispatcherSelector.fromConfig(
            OwnerWatcher.BLOCKING_IO_DISPATCHER));
        materializer = Materializer.matFromSystem(system);
        store = LocalDiskBlobStore.open(storeRoot, blockingIo, materializer);
        stopped = new CompletableFuture<>();
        CompletableFuture<ActorRef<StagedResourcesCleaner.Command>> cleanerRef = new CompletableFuture<>();
        parent = system.systemActorOf(Behaviors.setup(ctx -> {
            ActorRef<OwnerWatcher.Command> watcher = ctx.spawn(OwnerWatcher.create(client, blockingIo,
                WATCHER_SETTINGS, Clock.systemUTC(), health), "owner-watcher");
            ActorRef<StagedResourcesCleaner.Command> c = ctx.spawn(StagedResourcesCleaner.create(
                new BlobStoreStagedBundles(store), watcher, CLEANER_SETTINGS, Clock.systemUTC(), metrics), "cleaner");
            ActorRef<StagedResourcesCleaner.BundleDeleted> listener = ctx.spawn(
                Behaviors.<StagedResourcesCleaner.BundleDeleted>receiveMessage(d -> {
                    deletedAtNanos.put(d.entry().id(), System.nanoTime());
                    deleted.add(d);
                    return Behaviors.same();
                }), "deletions");
            c.tell(new StagedResourcesCleaner.Subscribe(listener));
            ctx.watchWith(c, CLEANER_STOPPED);
            cleanerRef.complete(c);
            return Behaviors.receive(Object.class)
                .onMessageEquals(STOP_CLEANER, () -> {
                    ctx.stop(c);
                    return Behaviors.same();
                })
                .onMessageEquals(CLEANER_STOPPED, () -> {
                    cleanerStopped.complete(null);
                    return Behaviors.same();
                })
                .onAnyMessage(stop -> Behaviors.stopped())
                .onSignal(PostStop.class, signal -> {
                    stopped.complete(null);
                    return Behaviors.same();
                })
                .build();
        }), name, Props.empty());
        cleaner = cleanerRef.get(10, TimeUnit.SECONDS);
    }

    /** Starts a harness; {@code name} must be unique in the actor system. */
    static CleanupHarness start(ActorSystem<?> system, KubernetesClient client, Path storeRoot, String name)
        throws Exception {
        return new CleanupHarness(system, client, storeRoot, name);
    }

    /** Uploads a bundle for {@code owner}, downloads it once (so it is used) and tells the cleaner. */
    NewBundle stageAndDownload(StagedResourcesOwner owner) throws Exception {
        NewBundle bundle = store.write(Source.single(ByteString.fromString("jar bytes of " + owner)))
            .thenCompose(pending -> pending.commit(owner)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        BundleDownload download = store.open(bundle.entry().id(), bundle.secret()).toCompletableFuture()
            .get(10, TimeUnit.SECONDS).orElseThrow();
        download.content().runWith(Sink.ignore(), materializer).toCompletableFuture().get(10, TimeUnit.SECONDS);
        cleaner.tell(new StagedResourcesCleaner.Rescan());
        return bundle;
    }

    /**
     * Stops the cleaner alone, as a bug or a supervisor might, without its sending {@code Unwatch}; the
     * owner watcher keeps running. Returns once the cleaner has stopped.
     */
    void stopCleanerOnly() throws Exception {
        parent.tell(STOP_CLEANER);
        cleanerStopped.get(10, TimeUnit.SECONDS);
    }

    /** Whether the store still has bundle {@code bundle}. */
    boolean stored(NewBundle bundle) throws Exception {
        return store.find(bundle.entry().id()).toCompletableFuture().get(10, TimeUnit.SECONDS).isPresent();
    }

    /** The next deletion, or {@code null} if none comes within {@code wait}. */
    StagedResourcesCleaner.BundleDeleted nextDeletion(Duration wait) throws InterruptedException {
        return deleted.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        parent.tell("stop");
        stopped.get(10, TimeUnit.SECONDS);
    }
}
