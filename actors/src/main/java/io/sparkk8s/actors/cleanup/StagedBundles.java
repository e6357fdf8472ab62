package io.sparkk8s.actors.cleanup;

import io.sparkk8s.staging.store.BundleEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the {@link StagedResourcesCleaner} needs from the bundle store: the port it is written
 * against. {@link BlobStoreStagedBundles} adapts the staging server's
 * {@link io.sparkk8s.staging.store.BlobStore}.
 */
public interface StagedBundles {

    /** Every bundle stored now (the durable index: after a restart, everything acknowledged before it). */
    CompletionStage<List<BundleEntry>> list();

    /**
     * Deletes bundle {@code id}, blob and index entry, atomically with respect to downloads: a download
     * opened before it streams the whole bundle, one opened after finds nothing.
     *
     * @return {@code false} if there was no such bundle
     */
    CompletionStage<Boolean> delete(String id);

    /**
     * Deletes every bundle never downloaded and created at or before {@code createdAtOrBefore}. A bundle
     * downloaded concurrently is either served or deleted, never both.
     *
     * @return the entries deleted
     */
    CompletionStage<List<BundleEntry>> expireUnused(Instant createdAtOrBefore);
}
