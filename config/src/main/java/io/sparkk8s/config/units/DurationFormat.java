package io.sparkk8s.config.units;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations such as {@code 30s}, {@code 5min} or {@code 100ms} with the rules
 * Spark applies to its time properties: the value is trimmed and read case-insensitively; it is
 * a whole number, possibly negative, followed by an optional suffix ({@code us}, {@code ms},
 * {@code s}, {@code m} or {@code min}, {@code h}, {@code d}); without a suffix the number is in the
 * unit the property is documented in; fractions are rejected. The result is in the requested unit,
 * truncated towards zero, saturating at {@link Long#MAX_VALUE} like {@link TimeUnit#convert}.
 */
public final class DurationFormat {

    /** What a valid duration looks like, for error messages. */
    public static final String EXPECTED = "a whole number with an optional unit suffix us, ms, s, m or min, h"
        + " or d, e.g. 30s, 5min or 100ms";

    private static final Pattern DURATION = Pattern.compile("(-?[0-9]+)([a-z]+)?");

    private static final Map<String, TimeUnit> SUFFIXES = Map.of(
        "us", TimeUnit.MICROSECONDS,
        "ms", TimeUnit.MILLISECONDS,
        "s", TimeUnit.SECONDS,
        "m", TimeUnit.MINUTES,
        "min", TimeUnit.MINUTES,
        "h", TimeUnit.HOURS,
        "d", TimeUnit.DAYS);

    private DurationFormat() {
    }

    /**
     * Parses {@code text} into an amount of {@code unit}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong (no key: callers add it)
     */
    public static long parse(String text, TimeUnit unit) {
        String lower = text.toLowerCase(Locale.ROOT).trim();
        Matcher m = DURATION.matcher(lower);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected " + EXPECTED);
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large; expected " + EXPECTED);
        }
        TimeUnit from = unit;
        if (m.group(2) != null) {
            from = SUFFIXES.get(m.group(2));
            if (from == null) {
                throw new IllegalArgumentException("'" + text + "' has an unknown unit suffix '" + m.group(2)
                    + "'; expected " + EXPECTED);
            }
        }
        return unit.convert(amount, from);
    }

    /** Writes {@code amount} of {@code unit} so that {@link #parse} reads it back: {@code 30s}. */
    public static String format(long amount, TimeUnit unit) {
        return amount + suffix(unit);
    }

    /** The suffix {@link #format} writes for {@code unit}. */
    public static String suffix(TimeUnit unit) {
        return switch (unit) {
            case MICROSECONDS -> "us";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            case MINUTES -> "min";
            case HOURS -> "h";
            case DAYS -> "d";
            default -> throw new IllegalArgumentException(unit + " has no duration suffix; use MICROSECONDS or"
                + " a larger unit");
        };
    }
}
