package io.sparkk8s.submission.steps;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.units.ByteSizeFormat;
import io.sparkk8s.config.units.ByteUnit;
import io.sparkk8s.config.units.DurationFormat;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Typed reads of the few keys the steps need, with Spark's formats from config/'s units. Temporary:
 * the key catalogue in config/ will own these reads.
 */
public final class ConfValues {

    private ConfValues() {
    }

    /** A size in MiB with Spark's format ({@link ByteSizeFormat}); a bare number means MiB. */
    public static long sizeMiB(SparkConf conf, String key, String defaultValue) {
        String value = conf.get(key).orElse(defaultValue).trim();
        long mib;
        try {
            mib = ByteSizeFormat.parse(value, ByteUnit.MiB);
        } catch (IllegalArgumentException e) {
            throw new SubmissionConfigurationException(key, e.getMessage());
        }
        if (mib < 0) {
            throw new SubmissionConfigurationException(key, "'" + value + "' is negative; expected "
                + ByteSizeFormat.EXPECTED);
        }
        return mib;
    }

    /** A duration with Spark's format ({@link DurationFormat}); a bare number means {@code unit}. */
    public static Duration duration(SparkConf conf, String key, String defaultValue, TimeUnit unit) {
        String value = conf.get(key).orElse(defaultValue).trim();
        try {
            long amount = DurationFormat.parse(value, unit);
            if (amount <= 0) {
                throw new IllegalArgumentException("'" + value + "' must be positive; expected "
                    + DurationFormat.EXPECTED);
            }
            return Duration.of(amount, unit.toChronoUnit());
        } catch (IllegalArgumentException e) {
            throw new SubmissionConfigurationException(key, e.getMessage());
        }
    }

    public static Optional<Double> decimal(SparkConf conf, String key) {
        return conf.get(key).map(value -> {
            try {
                double d = Double.parseDouble(value.trim());
                if (d <= 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new SubmissionConfigurationException(key, "'" + value + "' is not a positive number,"
                    + " e.g. 0.1");
            }
        });
    }

    public static boolean bool(SparkConf conf, String key, boolean defaultValue) {
        return conf.get(key).map(value -> switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new SubmissionConfigurationException(key, "'" + value + "' is not a boolean; use true"
                + " or false");
        }).orElse(defaultValue);
    }

    public static int port(SparkConf conf, String key, int defaultValue) {
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
    public static List<String> list(SparkConf conf, String key) {
        return conf.get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .toList()).orElse(List.of());
    }
}
