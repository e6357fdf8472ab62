package io.sparkk8s.config.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Round trips and invariants of size and duration parsing over generated values. */
class UnitRoundTripPropertiesTest {

    @Property
    void everyFormattedSizeParsesBackToTheSameAmount(@ForAll @LongRange(min = 0) long amount,
                                                     @ForAll ByteUnit unit) {
        assertThat(ByteSizeFormat.parse(ByteSizeFormat.format(amount, unit), unit)).isEqualTo(amount);
    }

    @Property
    void negativeSizesRoundTripToo(@ForAll @LongRange(min = -Long.MAX_VALUE, max = 0) long amount,
                                   @ForAll ByteUnit unit) {
        assertThat(ByteSizeFormat.parse(ByteSizeFormat.format(amount, unit), unit)).isEqualTo(amount);
    }

    /** Up to 4096p, the largest amounts of every unit that fit in a long of bytes. */
    @Property
    void aSuffixedSizeIsTheAmountTimesTheSuffixUnitInBytes(@ForAll @LongRange(min = 0, max = 1 << 12) long amount,
                                                           @ForAll("suffixes") String suffix,
                                                           @ForAll boolean upperCase,
                                                           @ForAll @IntRange(max = 3) int padding) {
        ByteUnit suffixUnit = ByteUnit.ofSuffix(suffix).orElseThrow();
        String text = " ".repeat(padding) + amount + (upperCase ? suffix.toUpperCase(Locale.ROOT) : suffix)
            + " ".repeat(padding);

        long bytes = ByteSizeFormat.parse(text, ByteUnit.BYTE);

        assertThat(bytes).isEqualTo(amount * suffixUnit.bytes());
    }

    @Property
    void readingInALargerUnitTruncatesLikeIntegerDivision(@ForAll @LongRange(min = 0) long bytes,
                                                         @ForAll ByteUnit unit) {
        assertThat(ByteSizeFormat.parse(bytes + "b", unit)).isEqualTo(bytes / unit.bytes());
    }

    @Property
    void aNumberWithoutSuffixIsInTheRequestedUnit(@ForAll @LongRange(min = 0) long amount,
                                                  @ForAll ByteUnit unit) {
        assertThat(ByteSizeFormat.parse(Long.toString(amount), unit)).isEqualTo(amount);
    }

    @Property
    void fractionsAreAlwaysRejected(@ForAll @IntRange(max = 100_000) int whole,
                                    @ForAll @IntRange(max = 9999) int fraction,
                                    @ForAll("suffixes") String suffix) {
        String text = whole + "." + fraction + suffix;

        assertThatThrownBy(() -> ByteSizeFormat.parse(text, ByteUnit.MiB)).hasMessageContaining("is a fraction");
    }

    @Property
    void everyFormattedDurationParsesBackToTheSameAmount(@ForAll long amount, @ForAll("timeUnits") TimeUnit unit) {
        Assume.that(amount != Long.MIN_VALUE);

        assertThat(DurationFormat.parse(DurationFormat.format(amount, unit), unit)).isEqualTo(amount);
    }

    @Property
    void aDurationReadInAnotherUnitConvertsLikeTimeUnit(
        @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long amount,
        @ForAll("timeUnits") TimeUnit written,
        @ForAll("timeUnits") TimeUnit requested) {
        String text = DurationFormat.format(amount, written);

        assertThat(DurationFormat.parse(text, requested)).isEqualTo(requested.convert(amount, written));
    }

    @Property
    void minutesCanBeWrittenAsMOrMin(@ForAll @LongRange(min = 0, max = 1_000_000) long minutes) {
        assertThat(DurationFormat.parse(minutes + "m", TimeUnit.SECONDS))
            .isEqualTo(DurationFormat.parse(minutes + "min", TimeUnit.SECONDS))
            .isEqualTo(minutes * 60);
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.of("b", "k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb");
    }

    @Provide
    Arbitrary<TimeUnit> timeUnits() {
        return Arbitraries.of(TimeUnit.MICROSECONDS, TimeUnit.MILLISECONDS, TimeUnit.SECONDS, TimeUnit.MINUTES,
            TimeUnit.HOURS, TimeUnit.DAYS);
    }
}
