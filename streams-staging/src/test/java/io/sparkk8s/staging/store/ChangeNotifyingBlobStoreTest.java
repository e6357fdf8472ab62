package io.sparkk8s.staging.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.store.ChangeNotifyingBlobStore.Change;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change notifications over the real local-disk store. */
class ChangeNotifyingBlobStoreTest {

    private static final StagedResourcesOwner OWNER =
        new StagedResourcesOwner("spark", Map.of("spark-app-selector", "app-1"), "Pod");

    private static ActorSystem system;
    private static ExecutorService io;

    @TempDir
    Path root;

    private final List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        system = ActorSystem.create("notifying-store-test");
        io = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() throws Exception {
        io.shutdown();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void tellsCommitDownloadAndDeleteButNotFailedOpensOrDeletesOfNothing() throws Exception {
        BlobStore store = store();

        NewBundle bundle = commit(store);
        String id = bundle.entry().id();
        assertThat(store.open(id, "wrong").toCompletableFuture().get()).isEmpty();
        store.open(id, bundle.secret()).toCompletableFuture().get().orElseThrow();
        assertThat(store.delete(id).toCompletableFuture().get()).isTrue();
        assertThat(store.delete(id).toCompletableFuture().get()).isFalse();

        assertThat(changes).containsExactly(Change.COMMITTED + " " + id, Change.DOWNLOADED + " " + id,
            Change.DELETED + " " + id);
    }

    @Test
    void tellsEachBundleExpiredUnused() throws Exception {
        BlobStore store = store();
        String id = commit(store).entry().id();
        changes.clear();

        store.expireUnused(Instant.now().plusSeconds(1)).toCompletableFuture().get();

        assertThat(changes).containsExactly(Change.DELETED + " " + id);
    }

    private BlobStore store() throws Exception {
        return new ChangeNotifyingBlobStore(LocalDiskBlobStore.open(root, io, Materializer.matFromSystem(system)),
            (change, id) -> changes.add(change + " " + id));
    }

    private static NewBundle commit(BlobStore store) throws Exception {
        return store.write(Source.single(ByteString.fromString("bundle")))
            .thenCompose(pending -> pending.commit(OWNER)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
