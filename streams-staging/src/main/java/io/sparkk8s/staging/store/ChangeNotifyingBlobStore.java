package io.sparkk8s.staging.store;

import io.sparkk8s.staging.StagedResourcesOwner;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A {@link BlobStore} that tells a {@link Listener} about each change a cleaner must react to: a
 * bundle committed, a bundle opened for download (which makes it used), a bundle deleted. The
 * listener is called after the change is durable, on the store's thread; it must return at once
 * (e.g. send a message to an actor).
 */
public final class ChangeNotifyingBlobStore implements BlobStore {

    /** What changed. */
    public enum Change {
        /** A bundle was committed (state {@link BundleState#UNUSED}). */
        COMMITTED,
        /** A bundle was opened for download (state {@link BundleState#USED} from now on). */
        DOWNLOADED,
        /** A bundle was deleted through {@link BlobStore#delete} or {@link BlobStore#expireUnused}. */
        DELETED
    }

    /** Receives changes; must not block. */
    @FunctionalInterface
    public interface Listener {

        /** Bundle {@code id} changed. */
        void changed(Change change, String id);
    }

    private final BlobStore store;
    private final Listener listener;

    /** Notifies {@code listener} of the changes made through this store to {@code store}. */
    public ChangeNotifyingBlobStore(BlobStore store, Listener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public CompletionStage<PendingBlob> write(Source<ByteString, ?> content) {
        return store.write(content).thenApply(NotifyingPendingBlob::new);
    }

    @Override
    public CompletionStage<Optional<BundleDownload>> open(String id, String secret) {
        return store.open(id, secret).thenApply(found -> {
            found.ifPresent(download -> listener.changed(Change.DOWNLOADED, id));
            return found;
        });
    }

    @Override
    public CompletionStage<Boolean> authorize(String id, String secret) {
        return store.authorize(id, secret);
    }

    @Override
    public CompletionStage<Optional<BundleEntry>> find(String id) {
        return store.find(id);
    }

    @Override
    public CompletionStage<List<BundleEntry>> list() {
        return store.list();
    }

    @Override
    public CompletionStage<List<BundleEntry>> listByOwner(StagedResourcesOwner owner) {
        return store.listByOwner(owner);
    }

    @Override
    public CompletionStage<Boolean> markUsed(String id) {
        return store.markUsed(id).thenApply(existed -> {
            if (existed) {
                listener.changed(Change.DOWNLOADED, id);
            }
            return existed;
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String id) {
        return store.delete(id).thenApply(existed -> {
            if (existed) {
                listener.changed(Change.DELETED, id);
            }
            return existed;
        });
    }

    @Override
    public CompletionStage<List<BundleEntry>> expireUnused(Instant createdBefore) {
        return store.expireUnused(createdBefore).thenApply(deleted -> {
            deleted.forEach(entry -> listener.changed(Change.DELETED, entry.id()));
            return deleted;
        });
    }

    private final class NotifyingPendingBlob implements PendingBlob {
        private final PendingBlob pending;

        NotifyingPendingBlob(PendingBlob pending) {
            this.pending = pending;
        }

        @Override
        public long size() {
            return pending.size();
        }

        @Override
        public String contentSha256() {
            return pending.contentSha256();
        }

        @Override
        public CompletionStage<NewBundle> commit(StagedResourcesOwner owner) {
            return pending.commit(owner).thenApply(bundle -> {
                listener.changed(Change.COMMITTED, bundle.entry().id());
                return bundle;
            });
        }

        @Override
        public void discard() {
            pending.discard();
        }
    }
}
