package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-request stager hands each bundle to the call that asks for exactly its files, for its owner only. */
class StagedUploadsTest {

    private static final Map<String, String> OWNER = Map.of("spark-app-selector", "spark-1", "spark-role", "driver");

    private final StagedUploads uploads = new StagedUploads(null, "team-a", OWNER, Set.of("etl.jar", "dep.jar"),
        Set.of("job.conf"));

    @Test
    void theJarsAndTheFilesCallsGetTheirOwnBundleAndNothingIsReadFromDisk() {
        SubmittedResourceIdAndSecret jars = new SubmittedResourceIdAndSecret("j", "sj");
        SubmittedResourceIdAndSecret files = new SubmittedResourceIdAndSecret("f", "sf");
        uploads.jarsStaged(jars);
        uploads.filesStaged(files);

        assertThat(uploads.uploadResources(List.of(Path.of("dep.jar"), Path.of("etl.jar")), "team-a", OWNER)
            .toCompletableFuture().join()).isEqualTo(jars);
        assertThat(uploads.uploadResources(List.of(Path.of("job.conf")), "team-a", OWNER).toCompletableFuture()
            .join()).isEqualTo(files);
        assertThat(uploads.readsLocalFiles()).isFalse();
    }

    @Test
    void anotherOwnerOrAnotherSetOfFilesIsRefused() {
        uploads.jarsStaged(new SubmittedResourceIdAndSecret("j", "sj"));

        assertThat(uploads.uploadResources(List.of(Path.of("etl.jar"), Path.of("dep.jar")), "team-b", OWNER)
            .toCompletableFuture()).failsWithin(java.time.Duration.ZERO)
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withMessageContaining("team-b");
        assertThat(uploads.uploadResources(List.of(Path.of("etl.jar")), "team-a", OWNER).toCompletableFuture())
            .failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withMessageContaining("etl.jar");
    }
}
