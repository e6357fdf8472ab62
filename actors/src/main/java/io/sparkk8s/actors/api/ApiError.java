package io.sparkk8s.actors.api;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A failed call to the API server, classified: {@link Kind#TRANSIENT} errors are worth retrying,
 * {@link Kind#THROTTLED} ones too after the server's Retry-After, {@link Kind#PERMANENT} ones fail the
 * submission at once with the server's message.
 *
 * @param kind how to react
 * @param retryAfter how long the server asked us to wait (429 with a Retry-After)
 * @param message what to tell the user
 * @param cause the failure
 */
public record ApiError(Kind kind, Optional<Duration> retryAfter, String message, Throwable cause) {

    /** How to react to an error. */
    public enum Kind {
        /** Connection refused or reset, timeouts, 5xx: retry with backoff. */
        TRANSIENT,
        /** 429 Too Many Requests (API priority and fairness): retry, and slow everyone down. */
        THROTTLED,
        /** Any other 4xx (validation, conflict with someone else's object, forbidden), bad configuration. */
        PERMANENT
    }

    private static final int TOO_MANY_REQUESTS = 429;

    /** Classifies {@code error} by the first Kubernetes status or I/O failure in its cause chain. */
    public static ApiError classify(Throwable error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidConfigurationException) {
                return new ApiError(Kind.PERMANENT, Optional.empty(), message, error);
            }
            if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
                int code = kce.getCode();
                if (code == TOO_MANY_REQUESTS) {
                    return new ApiError(Kind.THROTTLED, retryAfter(kce), message, error);
                }
                if (code >= HttpURLConnection.HTTP_INTERNAL_ERROR || code == HttpURLConnection.HTTP_CLIENT_TIMEOUT) {
                    return new ApiError(Kind.TRANSIENT, Optional.empty(), message, error);
                }
                return new ApiError(Kind.PERMANENT, Optional.empty(), message, error);
            }
            if (t instanceof ConnectException || t instanceof InterruptedIOException || t instanceof TimeoutException
                || t instanceof IOException) {
                return new ApiError(Kind.TRANSIENT, Optional.empty(), message, error);
            }
        }
        return new ApiError(Kind.PERMANENT, Optional.empty(), message, error);
    }

    /** Whether another attempt may succeed. */
    public boolean isRetryable() {
        return kind != Kind.PERMANENT;
    }

    private static Optional<Duration> retryAfter(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null
            || e.getStatus().getDetails().getRetryAfterSeconds() == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(e.getStatus().getDetails().getRetryAfterSeconds()));
    }
}
