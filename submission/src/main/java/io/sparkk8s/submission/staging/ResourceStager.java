package io.sparkk8s.submission.staging;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Uploads the submitter's local files to the resource staging server as one bundle. The staging
 * step calls it; the implementation (streaming tar over Pekko HTTP) lives in streams-staging, so
 * submission/ does not know Pekko.
 */
@FunctionalInterface
public interface ResourceStager {

    /**
     * Uploads {@code localFiles} as one bundle owned by the objects in {@code ownerNamespace} that
     * carry {@code ownerLabels}.
     *
     * @return the bundle's id and secret once the server has stored it durably
     */
    CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> ownerLabels);

    /**
     * Whether {@link #uploadResources} reads the files from this machine's disk (the default), so the
     * dependency step checks that they exist here first. A stager that holds one submission's files from
     * elsewhere (the submission daemon's, which streamed them from its client to the staging server
     * before submitting) answers false: the paths then only name the files.
     */
    default boolean readsLocalFiles() {
        return true;
    }

    /**
     * Deletes a bundle this stager uploaded, so a submission that fails after staging leaves nothing
     * on the server (the original design left such bundles for 30 minutes).
     *
     * <p>The default cannot delete: it fails, and the bundle is left to expire on the server.
     *
     * @return completes when the server has deleted the bundle
     */
    default CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName()
            + " cannot delete staged bundles"));
    }
}
