package io.sparkk8s.submission;

import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ResourceStager} that records what it was asked to upload and answers with an id derived
 * from the file list (so the same request gets the same id). The real stager is tested in
 * streams-staging against a real server.
 */
public final class RecordingStager implements ResourceStager {

    /** One upload call. */
    public record Upload(List<Path> files, String namespace, Map<String, String> labels) {
    }

    /** Every call, in order. */
    public final List<Upload> uploads = new CopyOnWriteArrayList<>();

    /** Every bundle deleted, in order. */
    public final List<SubmittedResourceIdAndSecret> deleted = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> ownerLabels) {
        uploads.add(new Upload(List.copyOf(localFiles), ownerNamespace, Map.copyOf(ownerLabels)));
        String id = "id-" + Integer.toHexString(localFiles.toString().hashCode());
        return CompletableFuture.completedFuture(new SubmittedResourceIdAndSecret(id, "secret-" + id));
    }

    @Override
    public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
        deleted.add(bundle);
        return CompletableFuture.completedFuture(null);
    }
}
