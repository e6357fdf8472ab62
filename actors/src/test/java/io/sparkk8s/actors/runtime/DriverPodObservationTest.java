package io.sparkk8s.actors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriverPodObservationTest {

    private static final SubmissionStatus SUBMITTED = new SubmissionStatus("spark-1", "pi", "ns", "pi-driver",
        SubmissionState.SUBMITTED, Optional.empty(), Optional.empty(), Optional.empty(), Instant.EPOCH);

    private static Pod pod(String phase, Integer exitCode, String reason) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("ns").withName("pi-driver").endMetadata()
            .withNewStatus().withPhase(phase).endStatus();
        // A sidecar listed first must not be taken for the driver.
        b.editStatus().addNewContainerStatus().withName("sidecar").withNewState().withNewTerminated()
            .withExitCode(0).withReason("Completed").endTerminated().endState().endContainerStatus().endStatus();
        if (exitCode != null) {
            b.editStatus().addNewContainerStatus().withName("spark-kubernetes-driver").withNewState()
                .withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage("driver said bye")
                .endTerminated().endState().endContainerStatus().endStatus();
        }
        return b.build();
    }

    @Test
    void phasesMapToStates() {
        assertThat(DriverPodObservation.of(pod("Pending", null, null), false).apply(SUBMITTED, false).state())
            .isEqualTo(SubmissionState.PENDING);
        assertThat(DriverPodObservation.of(pod("Running", null, null), false).apply(SUBMITTED, false).state())
            .isEqualTo(SubmissionState.RUNNING);
        assertThat(DriverPodObservation.of(pod("Unknown", null, null), false).apply(SUBMITTED, false).state())
            .isEqualTo(SubmissionState.UNKNOWN);
    }

    @Test
    void aFinishedDriverReportsItsOwnContainersExitCodeReasonAndMessage() {
        SubmissionStatus failed = DriverPodObservation.of(pod("Failed", 137, "OOMKilled"), false)
            .apply(SUBMITTED, false);

        assertThat(failed.state()).isEqualTo(SubmissionState.FAILED);
        assertThat(failed.exitCode()).contains(137);
        assertThat(failed.terminationReason()).contains("OOMKilled");
        assertThat(failed.message()).contains("driver said bye");
    }

    @Test
    void anEvictedPodWithoutContainerStateReportsThePodsReason() {
        Pod evicted = new PodBuilder().withNewMetadata().withNamespace("ns").withName("pi-driver").endMetadata()
            .withNewStatus().withPhase("Failed").withReason("Evicted").withMessage("low on memory").endStatus()
            .build();

        SubmissionStatus status = DriverPodObservation.of(evicted, false).apply(SUBMITTED, false);

        assertThat(status.state()).isEqualTo(SubmissionState.FAILED);
        assertThat(status.exitCode()).isEmpty();
        assertThat(status.terminationReason()).contains("Evicted");
        assertThat(status.message()).contains("low on memory");
    }

    @Test
    void aPodDeletedBeforeItFinishedIsKilledAndSaysWhetherOnRequest() {
        DriverPodObservation deleted = DriverPodObservation.of(pod("Running", null, null), true);

        assertThat(deleted.apply(SUBMITTED, true).state()).isEqualTo(SubmissionState.KILLED);
        assertThat(deleted.apply(SUBMITTED, true).terminationReason()).contains("Killed");
        assertThat(deleted.apply(SUBMITTED, false).terminationReason()).contains("DriverPodDeleted");
    }

    @Test
    void aPodDeletedAfterItFinishedKeepsItsOutcome() {
        SubmissionStatus succeeded = DriverPodObservation.of(pod("Succeeded", 0, "Completed"), false)
            .apply(SUBMITTED, false);

        assertThat(DriverPodObservation.of(pod("Succeeded", 0, "Completed"), true).apply(succeeded, false))
            .isEqualTo(succeeded);
        assertThat(DriverPodObservation.of(pod("Succeeded", 0, "Completed"), true).apply(SUBMITTED, false).state())
            .isEqualTo(SubmissionState.SUCCEEDED);
    }
}
