package io.sparkk8s.actors.api;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.submission.steps.BaseDriverPodStep;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the runtime keeps of one sighting of a driver pod: enough to derive the submission's state,
 * much less than the pod.
 *
 * @param namespace the pod's namespace
 * @param podName the pod's name
 * @param phase the pod's phase ({@code Unknown} when it has none yet)
 * @param exitCode the driver container's exit code, once terminated
 * @param reason the driver container's termination reason, else the pod's reason
 * @param message the driver container's termination message, else the pod's message
 * @param deleted whether the pod is gone
 */
public record DriverPodObservation(String namespace, String podName, String phase, Optional<Integer> exitCode,
    Optional<String> reason, Optional<String> message, boolean deleted) {

    /** Annotation on the driver pod holding the application name as submitted (labels cannot hold every name). */
    public static final String APP_NAME_ANNOTATION = "spark-k8s.io/app-name";

    /**
     * The status of the submission whose driver pod is {@code pod}, from the pod alone: the id from its
     * {@code spark-app-selector} label, the name from {@link #APP_NAME_ANNOTATION} (else the
     * {@code spark-app-name} label, else the pod's name), the state from its phase and driver container.
     */
    public static SubmissionStatus status(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
            : pod.getMetadata().getAnnotations();
        String appName = annotations.getOrDefault(APP_NAME_ANNOTATION,
            labels.getOrDefault(DriverLabelsStep.APP_NAME_LABEL, pod.getMetadata().getName()));
        SubmissionStatus base = new SubmissionStatus(labels.getOrDefault(DriverLabelsStep.APP_ID_LABEL,
            pod.getMetadata().getName()), appName, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
            SubmissionState.SUBMITTED, Optional.empty(), Optional.empty(), Optional.empty(), Instant.now());
        return of(pod, pod.getMetadata().getDeletionTimestamp() != null).apply(base, false);
    }

    /** The observation of {@code pod}, present or {@code deleted}. */
    public static DriverPodObservation of(Pod pod, boolean deleted) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown"
            : pod.getStatus().getPhase();
        Optional<ContainerStateTerminated> terminated = driverTermination(pod);
        Optional<String> podReason = Optional.ofNullable(pod.getStatus()).map(s -> s.getReason());
        Optional<String> podMessage = Optional.ofNullable(pod.getStatus()).map(s -> s.getMessage());
        return new DriverPodObservation(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), phase,
            terminated.map(ContainerStateTerminated::getExitCode),
            terminated.map(ContainerStateTerminated::getReason).or(() -> podReason),
            terminated.map(ContainerStateTerminated::getMessage).or(() -> podMessage), deleted);
    }

    /**
     * The state of the submission {@code current} belongs to after this observation. A pod deleted
     * before it finished means the submission was killed ({@code Killed} when the submitter was asked
     * to, {@code DriverPodDeleted} otherwise); a finished pod keeps its outcome when deleted later.
     */
    public SubmissionStatus apply(SubmissionStatus current, boolean killRequested) {
        if (deleted) {
            if (current.state().isTerminal()) {
                return current;
            }
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                return finished(current);
            }
            return current.with(SubmissionState.KILLED, exitCode,
                Optional.of(killRequested ? "Killed" : "DriverPodDeleted"),
                Optional.of(killRequested ? "the driver pod was deleted on request"
                    : "the driver pod was deleted before it finished"));
        }
        return switch (phase) {
            case "Pending" -> current.with(SubmissionState.PENDING, Optional.empty(), Optional.empty(), message);
            case "Running" -> current.with(SubmissionState.RUNNING, Optional.empty(), Optional.empty(),
                Optional.empty());
            case "Succeeded", "Failed" -> finished(current);
            default -> current.with(SubmissionState.UNKNOWN, Optional.empty(), reason, message);
        };
    }

    private SubmissionStatus finished(SubmissionStatus current) {
        SubmissionState state = phase.equals("Succeeded") ? SubmissionState.SUCCEEDED : SubmissionState.FAILED;
        return current.with(state, exitCode, reason, message);
    }

    private static Optional<ContainerStateTerminated> driverTermination(Pod pod) {
        List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of() : pod.getStatus().getContainerStatuses();
        Optional<ContainerStatus> driver = statuses.stream()
            .filter(s -> BaseDriverPodStep.DRIVER_CONTAINER_NAME.equals(s.getName())).findFirst()
            .or(() -> statuses.stream().findFirst());
        return driver.map(ContainerStatus::getState).map(s -> s.getTerminated());
    }
}
