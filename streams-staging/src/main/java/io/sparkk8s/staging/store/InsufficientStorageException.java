package io.sparkk8s.staging.store;

import java.io.IOException;

/** The store ran out of space (or quota) while writing an upload; nothing of the upload was kept. */
public final class InsufficientStorageException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An out-of-space failure caused by {@code cause}. */
    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
