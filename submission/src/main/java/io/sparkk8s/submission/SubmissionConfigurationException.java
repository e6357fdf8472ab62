package io.sparkk8s.submission;

import io.sparkk8s.config.InvalidConfigurationException;

/** A step found a configuration value it cannot turn into a valid Kubernetes resource. */
public class SubmissionConfigurationException extends InvalidConfigurationException {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the configuration key at fault
     * @param message what is wrong and what would be valid
     */
    public SubmissionConfigurationException(String key, String message) {
        super(key, message);
    }
}
