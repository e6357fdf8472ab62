package io.sparkk8s.submission.staging;

/** Uploading the submitter's local dependencies to the resource staging server failed. */
public class ResourceStagingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was being uploaded and where
     * @param cause why it failed
     */
    public ResourceStagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
