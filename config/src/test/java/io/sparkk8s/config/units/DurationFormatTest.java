package io.sparkk8s.config.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationFormatTest {

    @ParameterizedTest(name = "{0} as {1} is {2}")
    @CsvSource({
        "30s,      MILLISECONDS, 30000",
        "5min,     SECONDS,      300",
        "5m,       SECONDS,      300",
        "5MIN,     SECONDS,      300",
        "100ms,    MILLISECONDS, 100",
        "250us,    MILLISECONDS, 0",
        "1500us,   MILLISECONDS, 1",
        "2h,       MINUTES,      120",
        "1d,       HOURS,        24",
        "1000,     MILLISECONDS, 1000",
        "1000,     SECONDS,      1000",
        "' 10s ',  SECONDS,      10",
        "-1,       SECONDS,      -1",
        "-5s,      MILLISECONDS, -5000",
        "9223372036854775807d, MILLISECONDS, 9223372036854775807",
    })
    void readsDurationsWithSparksRules(String text, TimeUnit unit, long expected) {
        assertThat(DurationFormat.parse(text, unit)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1.5s", "30 s", "thirty", "1e3s", "+5s"})
    void rejectsTextThatIsNotADuration(String text) {
        assertThatThrownBy(() -> DurationFormat.parse(text, TimeUnit.SECONDS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + text + "' is not a duration")
            .hasMessageContaining(DurationFormat.EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5sec", "1w", "2hours", "10ns"})
    void rejectsUnknownSuffixesNamingThem(String text) {
        assertThatThrownBy(() -> DurationFormat.parse(text, TimeUnit.SECONDS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown unit suffix");
    }
}
