package io.sparkk8s.staging.client;

import java.io.IOException;

/** A downloaded bundle's SHA-256 differs from the one the server declared: it is damaged or incomplete. */
public final class ChecksumMismatchException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Bundle {@code id} hashed to {@code actual} where {@code expected} was declared. */
    public ChecksumMismatchException(String id, String expected, String actual) {
        super("bundle " + id + ": downloaded content has SHA-256 " + actual + " but the server declared " + expected
            + "; the download is damaged or incomplete");
    }
}
