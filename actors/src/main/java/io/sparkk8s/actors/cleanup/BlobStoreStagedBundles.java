package io.sparkk8s.actors.cleanup;

import io.sparkk8s.staging.store.BlobStore;
import io.sparkk8s.staging.store.BundleEntry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** {@link StagedBundles} over the staging server's {@link BlobStore}. */
public final class BlobStoreStagedBundles implements StagedBundles {

    private final BlobStore store;

    /** Adapts {@code store}. */
    public BlobStoreStagedBundles(BlobStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CompletionStage<List<BundleEntry>> list() {
        return store.list();
    }

    @Override
    public CompletionStage<Boolean> delete(String id) {
        return store.delete(id);
    }

    @Override
    public CompletionStage<List<BundleEntry>> expireUnused(Instant createdAtOrBefore) {
        // BlobStore.expireUnused takes a strict bound.
        return store.expireUnused(createdAtOrBefore.plusNanos(1));
    }
}
