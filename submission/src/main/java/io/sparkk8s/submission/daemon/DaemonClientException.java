package io.sparkk8s.submission.daemon;

import java.util.Optional;

/**
 * The daemon refused or failed a request: the HTTP status, the error code and message of its answer,
 * and the field, header or parameter at fault when it names one.
 */
public class DaemonClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String field;
    private final String detail;

    /**
     * @param status the HTTP status
     * @param error the daemon's error code ({@code invalid_request}, {@code not_found}, ...)
     * @param field the field at fault, or {@code null}
     * @param message the daemon's message
     */
    public DaemonClientException(int status, String error, String field, String message) {
        super("the daemon answered " + status + " " + error + (field == null ? "" : " (" + field + ")") + ": "
            + message);
        this.status = status;
        this.error = error;
        this.field = field;
        this.detail = message;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The daemon's error code. */
    public String error() {
        return error;
    }

    /** The daemon's message alone (without the status, code and field {@link #getMessage()} adds). */
    public String detail() {
        return detail;
    }

    /** The JSON field, header or parameter at fault, if named. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
