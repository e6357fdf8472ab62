package io.sparkk8s.actors.api;

/**
 * Where a submission is in its life. A submission starts {@link #SUBMITTED}, follows its driver
 * pod's phase once the pod exists, and ends in one of the terminal states {@link #SUCCEEDED},
 * {@link #FAILED} or {@link #KILLED}.
 */
public enum SubmissionState {
    /** Accepted by the submitter; its resources are being built or created, or it waits for a slot. */
    SUBMITTED,
    /** The driver pod exists and waits to be scheduled or for its containers to start. */
    PENDING,
    /** The driver pod runs. */
    RUNNING,
    /** The driver ended with exit code 0. */
    SUCCEEDED,
    /**
     * The driver ended with a non-zero exit code, or the submission failed before its driver pod
     * existed (invalid configuration, the API server refused a resource, retries exhausted).
     */
    FAILED,
    /** The driver pod was deleted before it finished: killed through the submitter or by someone else. */
    KILLED,
    /** The driver pod's state cannot be known (the pod reports phase Unknown, or it cannot be watched). */
    UNKNOWN;

    /** Whether the submission can change no more. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == KILLED;
    }
}
