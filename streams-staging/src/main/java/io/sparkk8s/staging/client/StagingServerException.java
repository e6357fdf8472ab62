package io.sparkk8s.staging.client;

import java.io.IOException;

/** The staging server refused a request; the message carries its status and its explanation. */
public final class StagingServerException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /** A refusal with HTTP {@code status}. */
    public StagingServerException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered. */
    public int status() {
        return status;
    }
}
