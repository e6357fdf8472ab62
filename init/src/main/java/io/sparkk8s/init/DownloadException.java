package io.sparkk8s.init;

import java.io.IOException;

/**
 * A download that failed, saying whether trying again may help (a connection error, a 5xx answer, a
 * damaged transfer) or not (404, a wrong secret, an unsafe archive).
 */
public final class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    /** A failure with {@code message}; {@code transientFailure} says whether a retry may succeed. */
    public DownloadException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether trying again may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }
}
