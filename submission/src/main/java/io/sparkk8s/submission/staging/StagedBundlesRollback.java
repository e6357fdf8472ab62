package io.sparkk8s.submission.staging;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ResourceStager} that remembers every bundle it uploaded, so that a submission failing
 * after staging (a step rejects the conf, the API server refuses a resource) can delete them instead
 * of leaving them on the staging server until they expire.
 */
public final class StagedBundlesRollback implements ResourceStager {

    private static final long DELETE_TIMEOUT_SECONDS = 30;

    private final ResourceStager delegate;
    private final List<SubmittedResourceIdAndSecret> uploaded = new CopyOnWriteArrayList<>();

    /** Records what {@code delegate} uploads. */
    public StagedBundlesRollback(ResourceStager delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> ownerLabels) {
        return delegate.uploadResources(localFiles, ownerNamespace, ownerLabels).thenApply(bundle -> {
            uploaded.add(bundle);
            return bundle;
        });
    }

    @Override
    public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
        return delegate.deleteResources(bundle).thenRun(() -> uploaded.remove(bundle));
    }

    /** The bundles uploaded and not deleted so far. */
    public List<SubmittedResourceIdAndSecret> uploaded() {
        return List.copyOf(uploaded);
    }

    /**
     * Deletes every bundle uploaded so far, waiting for each; a bundle that cannot be deleted is
     * reported on {@code log} (it will still expire on the server) and does not stop the others.
     *
     * @return how many bundles could not be deleted
     */
    public int deleteUploaded(PrintWriter log) {
        int failures = 0;
        for (SubmittedResourceIdAndSecret bundle : uploaded()) {
            try {
                deleteResources(bundle).toCompletableFuture().get(DELETE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failures + uploaded.size();
            } catch (ExecutionException | TimeoutException e) {
                failures++;
                log.println("could not delete staged bundle " + bundle.resourceId() + " of the failed submission"
                    + " (it expires on the staging server): " + (e.getCause() == null ? e : e.getCause()));
            }
        }
        return failures;
    }
}
