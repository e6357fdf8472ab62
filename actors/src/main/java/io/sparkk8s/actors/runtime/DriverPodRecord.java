package io.sparkk8s.actors.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.util.Map;
import java.util.Optional;

/**
 * What a driver pod on the API server records of its submission, so that a runtime started later (after
 * a restart of the JVM) can rebuild the submission: the id is the {@code spark-app-selector} label, the
 * role the {@code spark-role=driver} label, the application name the {@value #APP_NAME_ANNOTATION}
 * annotation that the runtime adds to every driver pod (the submission daemon uses the same), and the
 * state follows from the pod's phase and container status as it does while the submission is followed.
 */
public final class DriverPodRecord {

    /** Annotation on the driver pod holding the application name as submitted (labels cannot hold every name). */
    public static final String APP_NAME_ANNOTATION = DriverPodObservation.APP_NAME_ANNOTATION;

    /** The Spark configuration key that puts {@link #APP_NAME_ANNOTATION} on the driver pod. */
    public static final String APP_NAME_ANNOTATION_KEY = DriverLabelsStep.ANNOTATION_PREFIX + APP_NAME_ANNOTATION;

    private DriverPodRecord() {
    }

    /** The submission id {@code pod} records, if it is a driver pod with one. */
    public static Optional<String> submissionId(Pod pod) {
        Map<String, String> labels = labels(pod);
        return "driver".equals(labels.get(DriverLabelsStep.ROLE_LABEL))
            ? Optional.ofNullable(labels.get(DriverLabelsStep.APP_ID_LABEL)) : Optional.empty();
    }

    /** The names of the submission whose driver pod is {@code pod}, as far as following it needs them. */
    static DriverResourceNames names(Pod pod) {
        String podName = pod.getMetadata().getName();
        return new DriverResourceNames(submissionId(pod).orElseThrow(), pod.getMetadata().getNamespace(),
            podName.endsWith("-driver") ? podName.substring(0, podName.length() - "-driver".length()) : podName,
            podName);
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }
}
