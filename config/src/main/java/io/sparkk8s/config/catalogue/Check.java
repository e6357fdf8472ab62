package io.sparkk8s.config.catalogue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A rule a configuration value must follow beyond being readable, e.g. "greater than 0". A check
 * returns what is wrong with a value, or empty when it is fine.
 *
 * @param <T> the type of the values checked
 */
@FunctionalInterface
public interface Check<T> {

    /** What is wrong with {@code value}, or empty. The message names the value but not the key. */
    Optional<String> problem(T value);

    /** A check from a predicate and the description of what is valid. */
    static <T> Check<T> that(Predicate<T> valid, String expected) {
        return value -> valid.test(value) ? Optional.empty()
            : Optional.of("'" + value + "' is not valid; expected " + expected);
    }

    /** Greater than zero. */
    static <T extends Number> Check<T> positive() {
        return that(n -> n.doubleValue() > 0, "a value greater than 0");
    }

    /** Zero or more. */
    static <T extends Number> Check<T> nonNegative() {
        return that(n -> n.doubleValue() >= 0, "a value of 0 or more");
    }

    /** A TCP port, 1 to 65535. */
    static Check<Integer> port() {
        return that(p -> p >= 1 && p <= 65535, "a port number from 1 to 65535");
    }

    /** A duration longer than zero. */
    static Check<Duration> positiveDuration() {
        return d -> d.isNegative() || d.isZero()
            ? Optional.of("'" + d + "' is not valid; expected a duration greater than 0, e.g. 30s")
            : Optional.empty();
    }

    /** A duration of zero or more. */
    static Check<Duration> nonNegativeDuration() {
        return d -> d.isNegative()
            ? Optional.of("'" + d + "' is not valid; expected a duration of 0 or more, e.g. 30s")
            : Optional.empty();
    }

    /** One of {@code values}, compared exactly. */
    static Check<String> oneOf(Set<String> values) {
        return that(values::contains, "one of " + String.join(", ", values.stream().sorted().toList()));
    }

    /** A path to an existing, readable regular file on this machine. */
    static Check<String> readableFile() {
        return value -> {
            Path path = Path.of(value.startsWith("file://") ? value.substring("file://".length()) : value);
            if (!Files.isRegularFile(path)) {
                return Optional.of("'" + value + "' does not exist or is not a regular file; expected a local file"
                    + " readable by the submitting user");
            }
            if (!Files.isReadable(path)) {
                return Optional.of("'" + value + "' is not readable by the submitting user");
            }
            return Optional.empty();
        };
    }

    /**
     * A local file as {@link #readableFile()}, or any remote URI ({@code s3a://}, {@code hdfs://},
     * {@code https://}) that Spark downloads itself.
     */
    static Check<String> readableFileUnlessRemote() {
        Check<String> local = readableFile();
        return value -> value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !value.startsWith("file://")
            ? Optional.empty() : local.problem(value);
    }

    /** A check from a function that returns the problem itself (e.g. the Kubernetes name rules). */
    static <T> Check<T> of(Function<T, Optional<String>> rule) {
        return rule::apply;
    }
}
