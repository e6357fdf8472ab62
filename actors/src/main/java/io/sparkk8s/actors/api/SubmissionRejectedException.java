package io.sparkk8s.actors.api;

/**
 * The submitter refused to take a submission: its queue is full or it is closed. Nothing was sent to
 * the API server; submitting again later may succeed.
 */
public class SubmissionRejectedException extends SubmissionException {

    private static final long serialVersionUID = 1L;

    /** @param message why, naming the setting that bounds the queue and its value */
    public SubmissionRejectedException(String message) {
        super(message, null);
    }
}
