package io.sparkk8s.submission.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.submission.RecordingStager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class StagedBundlesRollbackTest {

    @Test
    void deletesEveryBundleItUploaded() {
        RecordingStager recording = new RecordingStager();
        StagedBundlesRollback rollback = new StagedBundlesRollback(recording);
        SubmittedResourceIdAndSecret jars = rollback.uploadResources(List.of(Path.of("a.jar")), "ns",
            Map.of("spark-app-selector", "app")).toCompletableFuture().join();
        SubmittedResourceIdAndSecret files = rollback.uploadResources(List.of(Path.of("b.csv")), "ns",
            Map.of("spark-app-selector", "app")).toCompletableFuture().join();

        int failures = rollback.deleteUploaded(new PrintWriter(new StringWriter()));

        assertThat(failures).isZero();
        assertThat(recording.deleted).containsExactly(jars, files);
        assertThat(rollback.uploaded()).isEmpty();
    }

    @Test
    void aBundleThatCannotBeDeletedIsReportedAndTheOthersStillGo() {
        RecordingStager recording = new RecordingStager();
        ResourceStager failingFirstDelete = new ResourceStager() {
            private boolean failed;

            @Override
            public CompletionStage<SubmittedResourceIdAndSecret> uploadResources(List<Path> localFiles,
                String ownerNamespace, Map<String, String> ownerLabels) {
                return recording.uploadResources(localFiles, ownerNamespace, ownerLabels);
            }

            @Override
            public CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
                if (!failed) {
                    failed = true;
                    return CompletableFuture.failedFuture(new IllegalStateException("staging server unreachable"));
                }
                return recording.deleteResources(bundle);
            }
        };
        StagedBundlesRollback rollback = new StagedBundlesRollback(failingFirstDelete);
        SubmittedResourceIdAndSecret first = rollback.uploadResources(List.of(Path.of("a.jar")), "ns",
            Map.of("k", "v")).toCompletableFuture().join();
        SubmittedResourceIdAndSecret second = rollback.uploadResources(List.of(Path.of("b.jar")), "ns",
            Map.of("k", "v")).toCompletableFuture().join();
        StringWriter log = new StringWriter();

        int failures = rollback.deleteUploaded(new PrintWriter(log, true));

        assertThat(failures).isEqualTo(1);
        assertThat(recording.deleted).containsExactly(second);
        assertThat(rollback.uploaded()).containsExactly(first);
        assertThat(log.toString()).contains(first.resourceId()).contains("staging server unreachable")
            .doesNotContain(first.resourceSecret());
    }
}
