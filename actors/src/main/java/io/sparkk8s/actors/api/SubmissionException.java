package io.sparkk8s.actors.api;

/** A submission could not be done; subclasses say why. The message is meant for the user. */
public class SubmissionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     * @param cause the underlying failure, or {@code null}
     */
    public SubmissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
