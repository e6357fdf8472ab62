package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.units.ByteSizeFormat;
import io.sparkk8s.config.units.ByteUnit;
import io.sparkk8s.config.units.DurationFormat;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How the string value of a configuration key is read, with the conversions Spark applies to the
 * same kind of key (so that a value means the same thing here and in the driver).
 *
 * @param <T> the type of the value
 */
public final class ValueType<T> {

    private final String description;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private ValueType(String description, Function<String, T> parser, Function<T, String> formatter) {
        this.description = description;
        this.parser = parser;
        this.formatter = formatter;
    }

    /** Any string, taken as is. */
    public static ValueType<String> string() {
        return new ValueType<>("a string", s -> s, s -> s);
    }

    /** A 32-bit integer, trimmed, as Spark's {@code intConf}. */
    public static ValueType<Integer> integer() {
        return new ValueType<>("a whole number", s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a whole number; expected e.g. 2");
            }
        }, String::valueOf);
    }

    /** A 64-bit integer, trimmed, as Spark's {@code longConf}. */
    public static ValueType<Long> longInteger() {
        return new ValueType<>("a whole number", s -> {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a whole number; expected e.g. 1048576");
            }
        }, String::valueOf);
    }

    /** A decimal number, trimmed, as Spark's {@code doubleConf}. */
    public static ValueType<Double> decimal() {
        return new ValueType<>("a number", s -> {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a number; expected e.g. 0.1");
            }
        }, String::valueOf);
    }

    /** {@code true} or {@code false} in any case, trimmed, as Spark's {@code booleanConf}. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>("true or false", s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + s + "' is not a boolean; expected true or false");
        }, String::valueOf);
    }

    /**
     * A size in {@code unit} (also the unit of a number without suffix), as Spark's
     * {@code bytesConf(unit)}: see {@link ByteSizeFormat}.
     */
    public static ValueType<Long> bytes(ByteUnit unit) {
        return new ValueType<>("a size (" + unit + " when no unit is given)", s -> {
            try {
                return ByteSizeFormat.parse(s, unit);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; a number without unit is in " + unit);
            }
        }, v -> ByteSizeFormat.format(v, unit));
    }

    /**
     * A duration whose number without suffix is in {@code unit}, as Spark's {@code timeConf(unit)}
     * (see {@link DurationFormat}), truncated to {@code unit} like Spark does.
     */
    public static ValueType<Duration> duration(TimeUnit unit) {
        return new ValueType<>("a duration (" + unit.name().toLowerCase(Locale.ROOT) + " when no unit is given)",
            s -> {
                long amount;
                try {
                    amount = DurationFormat.parse(s, unit);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + "; a number without unit is in "
                        + unit.name().toLowerCase(Locale.ROOT));
                }
                try {
                    return Duration.of(amount, unit.toChronoUnit());
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("'" + s + "' is too long a duration");
                }
            },
            d -> DurationFormat.format(unit.convert(d), unit));
    }

    /** A comma-separated list, items trimmed and empty items dropped, as Spark's {@code toSequence}. */
    public static ValueType<List<String>> list() {
        return new ValueType<>("a comma-separated list",
            s -> Arrays.stream(s.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList(),
            l -> String.join(",", l));
    }

    /** What values of this type look like, e.g. {@code a size (MiB when no unit is given)}. */
    public String description() {
        return description;
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong with the text and what would be valid
     *     (without the key)
     */
    public T parse(String text) {
        return parser.apply(text);
    }

    /** Writes {@code value} so that {@link #parse} reads it back. */
    public String format(T value) {
        return formatter.apply(value);
    }
}
