package io.sparkk8s.actors.api;

import java.util.Locale;

/**
 * A submission ended before its driver pod was created: its configuration is invalid, the API server
 * refused one of its resources, transient errors outlasted the retries, or it was killed. Nothing it
 * created is left on the server.
 */
public class SubmissionFailedException extends SubmissionException {

    private static final long serialVersionUID = 1L;

    private final transient SubmissionStatus status;

    /**
     * @param status the submission's final status ({@link SubmissionState#FAILED} or {@link
     *     SubmissionState#KILLED}); its message says why
     * @param cause the underlying failure, or {@code null}
     */
    public SubmissionFailedException(SubmissionStatus status, Throwable cause) {
        super("submission " + status.submissionId() + " (" + status.appName() + ") " + status.state()
            .name().toLowerCase(Locale.ROOT) + status.message().map(m -> ": " + m).orElse(""), cause);
        this.status = status;
    }

    /** The submission's final status. */
    public SubmissionStatus status() {
        return status;
    }
}
