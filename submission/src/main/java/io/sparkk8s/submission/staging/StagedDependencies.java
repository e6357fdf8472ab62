package io.sparkk8s.submission.staging;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The submitter's local jars and files after upload: one bundle each (none when there is nothing to
 * upload), as the original design's init-container expects.
 *
 * @param jars the jars bundle, if any
 * @param files the files bundle, if any
 */
public record StagedDependencies(Optional<SubmittedResourceIdAndSecret> jars,
    Optional<SubmittedResourceIdAndSecret> files) {

    /** How long one upload may take before the submission fails. */
    public static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(30);

    /**
     * Uploads {@code localJars} and {@code localFiles} with {@code stager}, waiting for both.
     *
     * @throws ResourceStagingException naming what failed
     */
    public static StagedDependencies upload(ResourceStager stager, List<Path> localJars, List<Path> localFiles,
        String ownerNamespace, Map<String, String> ownerLabels) {
        return new StagedDependencies(upload(stager, "jars", localJars, ownerNamespace, ownerLabels),
            upload(stager, "files", localFiles, ownerNamespace, ownerLabels));
    }

    private static Optional<SubmittedResourceIdAndSecret> upload(ResourceStager stager, String what,
        List<Path> paths, String ownerNamespace, Map<String, String> ownerLabels) {
        if (paths.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(stager.uploadResources(paths, ownerNamespace, ownerLabels).toCompletableFuture()
                .get(UPLOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | CompletionException e) {
            throw new ResourceStagingException("uploading local " + what + " " + paths + " to the resource staging"
                + " server failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ResourceStagingException("uploading local " + what + " " + paths + " did not finish within "
                + UPLOAD_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceStagingException("interrupted while uploading local " + what, e);
        }
    }
}
