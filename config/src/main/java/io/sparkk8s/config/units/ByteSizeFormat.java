package io.sparkk8s.config.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes sizes such as {@code 512m}, {@code 2g} or {@code 1536k} with the rules Spark
 * applies to its size properties: the value is trimmed and read case-insensitively; it is a whole
 * number followed by an optional suffix ({@code b}, {@code k}/{@code kb}, {@code m}/{@code mb},
 * {@code g}/{@code gb}, {@code t}/{@code tb}, {@code p}/{@code pb}, all binary); without a suffix
 * the number is in the unit the property is documented in (MiB for {@code spark.driver.memory});
 * fractions such as {@code 1.5g} are rejected; a leading {@code -} negates the value (configuration
 * entries accept it, so validators decide whether a negative size makes sense). The result is in
 * the requested unit, truncated: {@code 1536k} read as MiB is 1.
 */
public final class ByteSizeFormat {

    /** What a valid size looks like, for error messages. */
    public static final String EXPECTED = "a whole number with an optional unit suffix b, k, m, g, t or p"
        + " (binary: 1k = 1024 bytes; kb, mb, gb, tb, pb also accepted), e.g. 512m, 2g or 1536k";

    private static final Pattern WHOLE = Pattern.compile("([0-9]+)([a-z]+)?");
    private static final Pattern FRACTION = Pattern.compile("([0-9]+\\.[0-9]+)([a-z]+)?");

    private ByteSizeFormat() {
    }

    /**
     * Parses {@code text} into an amount of {@code unit}.
     *
     * @param text the size as written, e.g. {@code 2g}
     * @param unit the unit of the result, also the unit of a number without suffix
     * @throws IllegalArgumentException with a message saying what is wrong (no key: callers add it)
     */
    public static long parse(String text, ByteUnit unit) {
        if (!text.isEmpty() && text.charAt(0) == '-') {
            return -parseUnsigned(text, text.substring(1), unit);
        }
        return parseUnsigned(text, text, unit);
    }

    private static long parseUnsigned(String text, String digits, ByteUnit unit) {
        String lower = digits.toLowerCase(Locale.ROOT).trim();
        Matcher whole = WHOLE.matcher(lower);
        if (whole.matches()) {
            long amount;
            try {
                amount = Long.parseLong(whole.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too large; expected " + EXPECTED);
            }
            ByteUnit from = unit;
            if (whole.group(2) != null) {
                from = ByteUnit.ofSuffix(whole.group(2)).orElseThrow(() -> new IllegalArgumentException(
                    "'" + text + "' has an unknown unit suffix '" + whole.group(2) + "'; expected " + EXPECTED));
            }
            try {
                return unit.convertFrom(amount, from);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' does not fit in " + Long.MAX_VALUE + " "
                    + unit + "; use a smaller value");
            }
        }
        if (FRACTION.matcher(lower).matches()) {
            throw new IllegalArgumentException("'" + text + "' is a fraction; fractions are not supported,"
                + " use a smaller unit instead (e.g. 1536m rather than 1.5g); expected " + EXPECTED);
        }
        throw new IllegalArgumentException("'" + text + "' is not a size; expected " + EXPECTED);
    }

    /** Writes {@code amount} of {@code unit} so that {@link #parse} reads it back: {@code 512m}. */
    public static String format(long amount, ByteUnit unit) {
        return amount + unit.suffix();
    }
}
