package io.sparkk8s.staging.client;

import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.tar.TarPacking;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Compression;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The {@link ResourceStager} the submission uses: packs the local files into a tar stream (gzip
 * optional: jars are already compressed, so it is off by default), reports progress, and streams the
 * bundle to the staging server. No temporary tarball is written.
 */
public final class HttpResourceStager implements ResourceStager {

    private final ResourceStagingClient client;
    private final Executor blockingIo;
    private final boolean gzip;
    private final ProgressListener progress;
    private final Duration progressInterval;

    /**
     * A stager over {@code client}.
     *
     * @param blockingIo where file listing runs
     * @param gzip whether to gzip the tar stream (the server and the init-container detect it)
     * @param progress receives upload progress at most every {@code progressInterval}
     */
    public HttpResourceStager(ResourceStagingClient client, Executor blockingIo, boolean gzip,
        ProgressListener progress, Duration progressInterval) {
        this.client = client;
        this.blockingIo = blockingIo;
        this.gzip = gzip;
        this.progress = progress;
        this.progressInterval = progressInterval;
    }

    @Override
    public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles, String ownerNamespace,
        Map<String, String> ownerLabels) {
        StagedResourcesOwner owner;
        try {
            owner = new StagedResourcesOwner(ownerNamespace, ownerLabels, StagedResourcesOwner.POD);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        long tarSize = expectedSize(localFiles);
        // Uncompressed, the body's length is known before the first byte: a fixed-length request saves both
        // sides the chunk framing (gzip's length is not known up front: chunked).
        return client.upload(bundle(localFiles, tarSize), gzip ? -1 : tarSize, owner);
    }

    @Override
    public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
        return client.delete(bundle.resourceId(), bundle.resourceSecret());
    }

    /**
     * The bundle this stager would send for {@code localFiles}: tar, maybe gzip, with progress (with gzip,
     * the share done comes from the tar bytes packed, whose total is known before the upload starts).
     */
    public Source<ByteString, NotUsed> bundle(List<Path> localFiles) {
        return bundle(localFiles, expectedSize(localFiles));
    }

    private Source<ByteString, NotUsed> bundle(List<Path> localFiles, long tarSize) {
        Source<ByteString, NotUsed> tar = TarPacking.tar(localFiles, blockingIo);
        return gzip ? tar.via(ProgressReporting.compressing(Compression.gzip(), progress, progressInterval, tarSize))
            : tar.via(ProgressReporting.flow(progress, progressInterval, tarSize));
    }

    /** The uncompressed archive's size, or -1 if it cannot be known now (the stream then fails and says why). */
    private static long expectedSize(List<Path> localFiles) {
        try {
            return TarPacking.archiveSize(localFiles);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
