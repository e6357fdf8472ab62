package io.sparkk8s.submission.steps;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads of the few keys the steps need that config/'s catalogue does not describe (ports, comma
 * lists read before the catalogue's type applies, per-volume options). Everything else is read
 * through the catalogue's typed entries.
 */
final class ConfValues {

    private ConfValues() {
    }

    static boolean bool(SparkConf conf, String key, boolean defaultValue) {
        return conf.get(key).map(value -> switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new SubmissionConfigurationException(key, "'" + value + "' is not a boolean; use true"
                + " or false");
        }).orElse(defaultValue);
    }

    static int port(SparkConf conf, String key, int defaultValue) {
        String value = conf.get(key).orElse(Integer.toString(defaultValue)).trim();
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SubmissionConfigurationException(key, "'" + value + "' is not a port; use 1-65535"
            + " (Kubernetes needs a fixed port, 0 is not allowed)");
    }

    /** A comma-separated list, blanks dropped. */
    static List<String> list(SparkConf conf, String key) {
        return conf.get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .toList()).orElse(List.of());
    }
}
