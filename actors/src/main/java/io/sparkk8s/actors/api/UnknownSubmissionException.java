package io.sparkk8s.actors.api;

/**
 * No submission with this id is known to this submitter: it never was submitted here, or it ended so
 * long ago that it was forgotten ({@code sparkk8s.actors.submission.retained-finished}).
 */
public class UnknownSubmissionException extends SubmissionException {

    private static final long serialVersionUID = 1L;

    /** @param submissionId the id asked for */
    public UnknownSubmissionException(String submissionId) {
        super("no submission '" + submissionId + "' is known to this submitter; ids look like spark-<32 hex>"
            + " and are those returned by submit()", null);
    }
}
