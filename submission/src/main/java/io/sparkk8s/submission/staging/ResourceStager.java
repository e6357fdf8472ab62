package io.sparkk8s.submission.staging;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Uploads the submitter's local files to the resource staging server as one bundle. The staging
 * step calls it; the implementation (streaming tar over Pekko HTTP) lives in streams-staging, so
 * submission/ does not know Pekko.
 */
public interface ResourceStager {

    /**
     * Uploads {@code localFiles} as one bundle owned by the objects in {@code ownerNamespace} that
     * carry {@code ownerLabels}.
     *
     * @return the bundle's id and secret once the server has stored it durably
     */
    CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> ownerLabels);
}
