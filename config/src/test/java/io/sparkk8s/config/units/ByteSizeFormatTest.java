package io.sparkk8s.config.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeFormatTest {

    @ParameterizedTest(name = "{0} as {1} is {2}")
    @CsvSource({
        "512m,     MiB,  512",
        "2g,       MiB,  2048",
        "2G,       MiB,  2048",
        "2gb,      MiB,  2048",
        "2GB,      MiB,  2048",
        "1536k,    MiB,  1",
        "1536k,    KiB,  1536",
        "1536k,    BYTE, 1572864",
        "1024,     MiB,  1024",
        "1024,     BYTE, 1024",
        "' 4g ',   MiB,  4096",
        "1t,       GiB,  1024",
        "1p,       TiB,  1024",
        "1pb,      BYTE, 1125899906842624",
        "100b,     KiB,  0",
        "0,        MiB,  0",
        "-1g,      MiB,  -1024",
        "8192p,    BYTE, 9223372036854775807",
    })
    void readsSizesWithSparksRules(String text, ByteUnit unit, long expected) {
        if (expected == Long.MAX_VALUE) {
            assertThatThrownBy(() -> ByteSizeFormat.parse(text, unit))
                .hasMessageContaining("does not fit");
            return;
        }
        assertThat(ByteSizeFormat.parse(text, unit)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5g", "0.5m", "-1.5g"})
    void rejectsFractionsAndSaysToUseASmallerUnit(String text) {
        assertThatThrownBy(() -> ByteSizeFormat.parse(text, ByteUnit.MiB))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + text + "' is a fraction")
            .hasMessageContaining("1536m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2gib", "10x", "5mi"})
    void rejectsUnknownSuffixesNamingThem(String text) {
        assertThatThrownBy(() -> ByteSizeFormat.parse(text, ByteUnit.MiB))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown unit suffix")
            .hasMessageContaining(ByteSizeFormat.EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "g", "2 g", "two", "+2g", "--1g", "0x10", "1e3"})
    void rejectsTextThatIsNotASize(String text) {
        assertThatThrownBy(() -> ByteSizeFormat.parse(text, ByteUnit.MiB))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + text + "'")
            .hasMessageContaining("expected a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", "9223372036854775807g"})
    void rejectsNumbersThatOverflowInsteadOfWrapping(String text) {
        assertThatThrownBy(() -> ByteSizeFormat.parse(text, ByteUnit.BYTE))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(text);
    }
}
