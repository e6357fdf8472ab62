package io.sparkk8s.submission;

/**
 * Creating a submission's resources failed; everything created before the failure has been deleted
 * (deletions that failed are attached as suppressed exceptions). The cause is the first failure.
 */
public class ResourceCreationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be created, and why
     * @param cause the first failure
     */
    public ResourceCreationException(String message, Throwable cause) {
        super(message, cause);
    }
}
