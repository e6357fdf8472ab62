package io.sparkk8s.submission.daemon;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A submission as the daemon shows it (the {@code Submission} schema of its OpenAPI document).
 *
 * @param id the submission id (the driver pod's {@code spark-app-selector} label)
 * @param name the application name
 * @param namespace the driver pod's namespace
 * @param driverPodName the driver pod's name
 * @param state {@code SUBMITTED}, {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED},
 *     {@code KILLED} or {@code UNKNOWN}
 * @param exitCode the driver's exit code once it ended, else {@code null}
 * @param terminationReason why it ended, else {@code null}
 * @param message a human-readable detail, or {@code null}
 * @param observedAt when the daemon observed this state (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DaemonSubmission(String id, String name, String namespace, String driverPodName, String state,
    Integer exitCode, String terminationReason, String message, String observedAt) {

    /** Whether the state is final ({@code SUCCEEDED}, {@code FAILED} or {@code KILLED}). */
    public boolean isTerminal() {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state) || "KILLED".equals(state);
    }
}
