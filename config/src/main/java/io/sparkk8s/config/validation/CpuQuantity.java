package io.sparkk8s.config.validation;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes CPU quantities as accepted in a container's requests and limits: a decimal number with
 * an optional suffix ({@code 0.5}, {@code 500m}, {@code 2}, {@code 1e3m}), here required to be
 * greater than zero.
 */
public final class CpuQuantity {

    /** What a valid CPU quantity looks like, for messages. */
    public static final String EXPECTED = "a Kubernetes CPU quantity greater than 0, e.g. 0.5, 500m or 2";

    private static final Pattern QUANTITY = Pattern.compile(
        "\\+?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][-+]?[0-9]+)?");

    private CpuQuantity() {
    }

    /** What is wrong with {@code value} as a CPU quantity, or empty. */
    public static Optional<String> problem(String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.matches()) {
            return Optional.of("'" + value + "' is not valid; expected " + EXPECTED);
        }
        if (new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1)).signum() <= 0) {
            return Optional.of("'" + value + "' is not greater than 0; expected " + EXPECTED);
        }
        return Optional.empty();
    }
}
