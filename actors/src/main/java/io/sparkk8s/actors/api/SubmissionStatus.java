package io.sparkk8s.actors.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one submission at one moment.
 *
 * @param submissionId the submission's id: its Spark application id ({@code spark-<32 hex>}), also
 *     the value of the {@code spark-app-selector} label on everything it created
 * @param appName the application name of the request
 * @param namespace the namespace of the driver pod
 * @param driverPodName the driver pod's name
 * @param state the state
 * @param exitCode the driver container's exit code, once it terminated
 * @param terminationReason why the driver ended, once it ended: the container's reason ({@code
 *     Completed}, {@code Error}, {@code OOMKilled}, ...), the pod's ({@code Evicted}, ...), {@code
 *     Killed} or {@code DriverPodDeleted} for a deleted pod, {@code SubmissionFailed} when the
 *     resources could not be created
 * @param message a human-readable detail: the server's message for a failed submission, the
 *     container's termination message, ...
 * @param timestamp when this state was observed
 */
public record SubmissionStatus(
    String submissionId,
    String appName,
    String namespace,
    String driverPodName,
    SubmissionState state,
    Optional<Integer> exitCode,
    Optional<String> terminationReason,
    Optional<String> message,
    Instant timestamp) {

    /** Checks presence. */
    public SubmissionStatus {
        Objects.requireNonNull(submissionId, "submissionId");
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(driverPodName, "driverPodName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(terminationReason, "terminationReason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** This status moved to {@code newState} now, with the given details. */
    public SubmissionStatus with(SubmissionState newState, Optional<Integer> newExitCode,
        Optional<String> newReason, Optional<String> newMessage) {
        return new SubmissionStatus(submissionId, appName, namespace, driverPodName, newState, newExitCode, newReason,
            newMessage, Instant.now());
    }

    /** Whether this and {@code other} say the same (everything but the timestamp is equal). */
    public boolean sameAs(SubmissionStatus other) {
        return other != null && state == other.state && exitCode.equals(other.exitCode)
            && terminationReason.equals(other.terminationReason) && message.equals(other.message);
    }

    @Override
    public String toString() {
        return submissionId + " (" + namespace + "/" + driverPodName + "): " + state
            + exitCode.map(c -> ", exit code " + c).orElse("")
            + terminationReason.map(r -> ", " + r).orElse("")
            + message.map(m -> ": " + m).orElse("");
    }
}
