package io.sparkk8s.init;

/**
 * A dependency that could not be put in place.
 *
 * @param source what was to be downloaded (a URI; never a secret)
 * @param cause why it failed, for a person to act on
 */
public record LocalizationFailure(String source, String cause) {

    /** The one log line for this failure. */
    public String logLine() {
        return "failed to localize " + source + ": " + cause;
    }
}
