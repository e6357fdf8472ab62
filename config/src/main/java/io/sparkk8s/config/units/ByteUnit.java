package io.sparkk8s.config.units;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Binary size units as Spark uses them: a {@code k} is 1024 bytes, an {@code m} 1024 k, and so on.
 * Conversions to a larger unit truncate (1536 KiB is 1 MiB), conversions to a smaller unit fail
 * instead of overflowing.
 */
public enum ByteUnit {
    /** One byte, suffix {@code b}. */
    BYTE(1L, "b"),
    /** 1024 bytes, suffix {@code k} or {@code kb}. */
    KiB(1L << 10, "k"),
    /** 1024 KiB, suffix {@code m} or {@code mb}. */
    MiB(1L << 20, "m"),
    /** 1024 MiB, suffix {@code g} or {@code gb}. */
    GiB(1L << 30, "g"),
    /** 1024 GiB, suffix {@code t} or {@code tb}. */
    TiB(1L << 40, "t"),
    /** 1024 TiB, suffix {@code p} or {@code pb}. */
    PiB(1L << 50, "p");

    private static final Map<String, ByteUnit> SUFFIXES = Map.ofEntries(
        Map.entry("b", BYTE),
        Map.entry("k", KiB), Map.entry("kb", KiB),
        Map.entry("m", MiB), Map.entry("mb", MiB),
        Map.entry("g", GiB), Map.entry("gb", GiB),
        Map.entry("t", TiB), Map.entry("tb", TiB),
        Map.entry("p", PiB), Map.entry("pb", PiB));

    private final long bytes;
    private final String suffix;

    ByteUnit(long bytes, String suffix) {
        this.bytes = bytes;
        this.suffix = suffix;
    }

    /** The number of bytes in one of this unit. */
    public long bytes() {
        return bytes;
    }

    /** The short suffix that {@link ByteSizeFormat#format} writes, e.g. {@code m}. */
    public String suffix() {
        return suffix;
    }

    /** The unit a suffix names ({@code b, k, kb, m, mb, g, gb, t, tb, p, pb}, any case). */
    public static Optional<ByteUnit> ofSuffix(String suffix) {
        return Optional.ofNullable(SUFFIXES.get(suffix.toLowerCase(Locale.ROOT)));
    }

    /**
     * Converts {@code amount} of {@code from} into this unit, truncating towards zero when this
     * unit is larger.
     *
     * @throws ArithmeticException when the result does not fit in a {@code long}
     */
    public long convertFrom(long amount, ByteUnit from) {
        if (from.bytes >= bytes) {
            return Math.multiplyExact(amount, from.bytes / bytes);
        }
        return amount / (bytes / from.bytes);
    }
}
