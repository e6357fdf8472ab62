package io.sparkk8s.http.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sparkk8s.actors.api.SubmissionStatus;

/**
 * A submission as the REST API shows it (the {@code Submission} schema of the OpenAPI document).
 *
 * @param id the submission id ({@code spark-app-selector})
 * @param name the application name
 * @param namespace the driver pod's namespace
 * @param driverPodName the driver pod's name
 * @param state the state ({@code SUBMITTED}, {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED},
 *     {@code KILLED}, {@code UNKNOWN})
 * @param exitCode the driver's exit code once it ended
 * @param terminationReason why it ended
 * @param message a human-readable detail
 * @param observedAt when this state was observed (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmissionView(String id, String name, String namespace, String driverPodName, String state,
    Integer exitCode, String terminationReason, String message, String observedAt) {

    /** The view of {@code s}. */
    public static SubmissionView of(SubmissionStatus s) {
        return new SubmissionView(s.submissionId(), s.appName(), s.namespace(), s.driverPodName(), s.state().name(),
            s.exitCode().orElse(null), s.terminationReason().orElse(null), s.message().orElse(null),
            s.timestamp().toString());
    }
}
