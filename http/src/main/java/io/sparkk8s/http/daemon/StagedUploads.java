package io.sparkk8s.http.daemon;

import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import io.sparkk8s.submission.steps.DependencyPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundles one multipart request streamed to the staging server, handed to the dependency step as
 * that submission's {@link ResourceStager}: the step asks for its local jars and its local files, and
 * gets the bundle the client uploaded for each. Nothing is read from the daemon's disk ({@link
 * #readsLocalFiles()} is false).
 */
final class StagedUploads implements ResourceStager {

    private static final Logger LOG = LoggerFactory.getLogger(StagedUploads.class);

    private final ResourceStagingClient client;
    private final String namespace;
    private final Map<String, String> ownerLabels;
    private final Set<String> jarNames;
    private final Set<String> fileNames;
    private volatile SubmittedResourceIdAndSecret jars;
    private volatile SubmittedResourceIdAndSecret files;

    /**
     * @param client deletes the bundles again
     * @param namespace the owner's namespace the bundles were staged for
     * @param ownerLabels the owner's labels the bundles were staged for
     * @param jarNames the names of the submission's local jars (the {@code jars} part's files)
     * @param fileNames the names of its local files (the {@code files} part's files)
     */
    StagedUploads(ResourceStagingClient client, String namespace, Map<String, String> ownerLabels,
        Set<String> jarNames, Set<String> fileNames) {
        this.client = client;
        this.namespace = namespace;
        this.ownerLabels = Map.copyOf(ownerLabels);
        this.jarNames = Set.copyOf(jarNames);
        this.fileNames = Set.copyOf(fileNames);
    }

    /** The names of the local jars, in the {@code jars} bundle. */
    Set<String> jarNames() {
        return jarNames;
    }

    /** The names of the local files, in the {@code files} bundle. */
    Set<String> fileNames() {
        return fileNames;
    }

    void jarsStaged(SubmittedResourceIdAndSecret bundle) {
        jars = bundle;
    }

    void filesStaged(SubmittedResourceIdAndSecret bundle) {
        files = bundle;
    }

    Optional<SubmittedResourceIdAndSecret> jars() {
        return Optional.ofNullable(jars);
    }

    Optional<SubmittedResourceIdAndSecret> files() {
        return Optional.ofNullable(files);
    }

    @Override
    public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> labels) {
        if (!namespace.equals(ownerNamespace) || !ownerLabels.equals(labels)) {
            return CompletableFuture.failedFuture(new IllegalStateException("the uploads were staged for "
                + namespace + " " + ownerLabels + ", not for " + ownerNamespace + " " + labels));
        }
        Set<String> names = localFiles.stream().map(p -> DependencyPaths.fileName(p.toString()))
            .collect(Collectors.toSet());
        if (jars != null && names.equals(jarNames)) {
            return CompletableFuture.completedFuture(jars);
        }
        if (files != null && names.equals(fileNames)) {
            return CompletableFuture.completedFuture(files);
        }
        return CompletableFuture.failedFuture(new IllegalStateException("no uploaded bundle holds exactly " + names
            + " (jars part: " + jarNames + ", files part: " + fileNames + ")"));
    }

    @Override
    public boolean readsLocalFiles() {
        return false;
    }

    @Override
    public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
        return client.delete(bundle.resourceId(), bundle.resourceSecret());
    }

    /** Deletes every bundle staged so far; one that cannot be deleted is logged (it expires on the server). */
    CompletionStage<Void> deleteAll(String requestId) {
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        for (SubmittedResourceIdAndSecret bundle : new SubmittedResourceIdAndSecret[] {jars, files}) {
            if (bundle != null) {
                deletes.add(deleteResources(bundle).toCompletableFuture().handle((ok, e) -> {
                    if (e != null) {
                        LOG.warn("request {}: could not delete staged bundle {} (it expires on the staging server):"
                            + " {}", requestId, bundle.resourceId(), e.toString());
                    } else {
                        LOG.info("request {}: deleted staged bundle {}", requestId, bundle.resourceId());
                    }
                    return null;
                }));
            }
        }
        jars = null;
        files = null;
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }
}
