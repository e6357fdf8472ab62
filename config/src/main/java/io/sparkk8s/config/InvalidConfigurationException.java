package io.sparkk8s.config;

/**
 * A configuration value or command-line option a user got wrong. The message names the option or
 * key, the value given, and what would be valid; it is meant to be shown as is, without a stack
 * trace.
 */
public class InvalidConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String option;

    /**
     * @param option the option or configuration key at fault, e.g. {@code --master}
     * @param message what is wrong and what would be valid
     */
    public InvalidConfigurationException(String option, String message) {
        super(option + ": " + message);
        this.option = option;
    }

    /** The option or configuration key at fault. */
    public String option() {
        return option;
    }
}
