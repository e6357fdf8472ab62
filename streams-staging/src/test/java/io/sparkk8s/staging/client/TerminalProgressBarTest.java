package io.sparkk8s.staging.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TerminalProgressBar bar = new TerminalProgressBar(new PrintStream(bytes, true,
        StandardCharsets.UTF_8), "staging to h:10000");

    @Test
    void showsTheShareDoneWhenTheTotalIsKnown() {
        String line = bar.render(new StagingProgress(512L * 1024 * 1024, 100 * 1024 * 1024, false,
            2048L * 1024 * 1024));

        assertThat(line).isEqualTo("staging to h:10000 [########......................]  25%  512.0 MiB of"
            + " 2.0 GiB  100.0 MiB/s");
    }

    @Test
    void showsTheBytesSentAndTheShareOfTheTarPackedForAGzipTransfer() {
        String line = bar.render(new StagingProgress(300L * 1024 * 1024, 50 * 1024 * 1024, false, -1,
            1024L * 1024 * 1024, 4096L * 1024 * 1024));

        assertThat(line).isEqualTo("staging to h:10000 [########......................]  25%  300.0 MiB sent"
            + "  1.0 GiB of 4.0 GiB packed  50.0 MiB/s");
    }

    @Test
    void showsBytesAndRateOnlyWhenTheTotalIsUnknown() {
        assertThat(bar.render(new StagingProgress(1536, 3072, false))).isEqualTo("staging to h:10000  1.5 KiB"
            + "  3.0 KiB/s");
    }

    @Test
    void redrawsInPlaceAndEndsTheLineWhenFinished() {
        bar.onProgress(new StagingProgress(100, 10, false, 1000));
        bar.onProgress(new StagingProgress(1000, 10, true, 1000));

        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).startsWith("\r").contains(" 10%").contains("\r").endsWith(System.lineSeparator());
        assertThat(drawn.split("\r")).hasSize(3);
        assertThat(drawn).contains("100%  1000 B of 1000 B");
    }

    @Test
    void neverShowsMoreThanAllWhileRunning() {
        assertThat(new StagingProgress(1200, 1, false, 1000).fraction()).hasValue(1.0);
        assertThat(new StagingProgress(0, 0, false, -1).fraction()).isEmpty();
    }
}
