package io.sparkk8s.staging.store;

import io.sparkk8s.staging.StagedResourcesOwner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Where staged bundles live. An upload is two-phase: {@link #write} streams the content into
 * temporary storage and completes once it is all there; {@link PendingBlob#commit} then gives it an
 * id, a secret and an index entry, and completes once content and entry are durable. An upload
 * that fails, or is discarded, leaves nothing behind. Everything the store acknowledged through
 * {@code commit} survives a restart.
 *
 * <p>A cleaner drives the life cycle through {@link #list()}, {@link #markUsed}, {@link #delete}
 * and {@link #expireUnused}. Every method is asynchronous; implementations do their I/O off the
 * caller's thread.
 */
public interface BlobStore {

    /**
     * Streams {@code content} into temporary storage. The stage fails with the content's own
     * failure (e.g. a size limit or a dropped connection) or with {@link InsufficientStorageException}
     * when the storage is full; in both cases no trace of the upload remains.
     */
    CompletionStage<PendingBlob> write(Source<ByteString, ?> content);

    /**
     * Checks {@code secret} against bundle {@code id} in constant time and, if it matches, opens the
     * bundle for reading and records the access (state {@link BundleState#USED}). An unknown id and a
     * wrong secret give the same empty answer.
     */
    CompletionStage<Optional<BundleDownload>> open(String id, String secret);

    /** Whether {@code secret} is the secret of bundle {@code id}; unknown ids are simply {@code false}. */
    CompletionStage<Boolean> authorize(String id, String secret);

    /** The entry of bundle {@code id}, without authorization: for the cleaner, never for HTTP callers. */
    CompletionStage<Optional<BundleEntry>> find(String id);

    /** Every bundle in the store. */
    CompletionStage<List<BundleEntry>> list();

    /** Every bundle owned by {@code owner} (equal namespace, labels and type). */
    default CompletionStage<List<BundleEntry>> listByOwner(StagedResourcesOwner owner) {
        return list().thenApply(all -> all.stream().filter(e -> e.owner().equals(owner)).toList());
    }

    /** Marks bundle {@code id} used; {@code false} if there is no such bundle. */
    CompletionStage<Boolean> markUsed(String id);

    /**
     * Deletes bundle {@code id}; {@code false} if there was none. Reads already opened finish with
     * the whole bundle; later opens find nothing.
     */
    CompletionStage<Boolean> delete(String id);

    /**
     * Deletes every bundle never downloaded and created before {@code createdBefore}, e.g. {@code now
     * - initialAccessExpirationTimeout}.
     *
     * @return the entries deleted
     */
    CompletionStage<List<BundleEntry>> expireUnused(Instant createdBefore);

    /** Content written by {@link #write} and not yet committed. */
    interface PendingBlob {

        /** Bytes written. */
        long size();

        /** Lowercase hex SHA-256 of the bytes written. */
        String contentSha256();

        /**
         * Makes the content a bundle owned by {@code owner}: content and entry are durable once the stage
         * completes. It fails with {@link InsufficientStorageException} when the storage filled up
         * (e.g. while the content was flushed), and then leaves nothing behind.
         */
        CompletionStage<NewBundle> commit(StagedResourcesOwner owner);

        /** Throws the content away. Idempotent; a no-op after {@link #commit}. */
        void discard();
    }
}
