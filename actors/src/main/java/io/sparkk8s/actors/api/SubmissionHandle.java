package io.sparkk8s.actors.api;

import java.util.Objects;

/**
 * A submission whose driver pod and other resources exist on the API server.
 *
 * @param submissionId the submission's id (its Spark application id); pass it to {@link
 *     SparkKubernetesSubmitter#status}, {@link SparkKubernetesSubmitter#kill} and {@link
 *     SparkKubernetesSubmitter#watch}
 * @param namespace the namespace of the driver pod
 * @param driverPodName the driver pod's name
 * @param driverPodUid the driver pod's uid, as the API server assigned it
 */
public record SubmissionHandle(String submissionId, String namespace, String driverPodName, String driverPodUid) {

    /** Checks presence. */
    public SubmissionHandle {
        Objects.requireNonNull(submissionId, "submissionId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(driverPodName, "driverPodName");
        Objects.requireNonNull(driverPodUid, "driverPodUid");
    }
}
