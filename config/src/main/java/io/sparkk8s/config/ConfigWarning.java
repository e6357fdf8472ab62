package io.sparkk8s.config;

import java.util.Objects;

/**
 * Something in the input that is accepted but probably not what the user meant, e.g. a deprecated
 * key or a {@code spark.kubernetes.*} key that nothing reads. Returned to the caller, never
 * printed by this module.
 *
 * @param option the option or configuration key concerned
 * @param message what was noticed and what to do about it
 */
public record ConfigWarning(String option, String message) {

    /** Checks presence. */
    public ConfigWarning {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(message, "message");
    }

    /** The warning as one line, {@code <option>: <message>}. */
    @Override
    public String toString() {
        return option + ": " + message;
    }
}
