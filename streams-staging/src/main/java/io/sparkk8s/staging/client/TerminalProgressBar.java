package io.sparkk8s.staging.client;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws a transfer's progress as one line redrawn in place on a terminal, e.g.
 * {@code staging to host:10000 [#########...........]  45%  1.2 GiB of 2.7 GiB  310.5 MiB/s}, and ends
 * the line when the transfer finishes. A gzip transfer shows the bytes sent and the share of the tar
 * packed, e.g. {@code [###...]  45%  300.0 MiB sent  1.2 GiB of 2.7 GiB packed  50.0 MiB/s}. Without any
 * known total it shows bytes and rate only.
 */
public final class TerminalProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private int lastLength;

    /**
     * @param out where to draw, normally {@code System.err} (stdout carries the CLI's results)
     * @param label what is being transferred
     */
    public TerminalProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public synchronized void onProgress(StagingProgress progress) {
        String line = render(progress);
        String padding = " ".repeat(Math.max(0, lastLength - line.length()));
        out.print("\r" + line + padding);
        if (progress.finished()) {
            out.println();
        }
        out.flush();
        lastLength = line.length();
    }

    /** The line for {@code progress}, without the carriage return. */
    String render(StagingProgress progress) {
        String rate = size((long) progress.bytesPerSecond()) + "/s";
        if (progress.fraction().isEmpty()) {
            return label + "  " + size(progress.bytes()) + "  " + rate + (progress.finished() ? "  done" : "");
        }
        double fraction = progress.fraction().getAsDouble();
        int filled = (int) Math.round(fraction * WIDTH);
        String bar = String.format(Locale.ROOT, "%s [%s%s] %3d%%  ", label, "#".repeat(filled),
            ".".repeat(WIDTH - filled), (int) Math.floor(fraction * 100));
        if (progress.compressed()) {
            return bar + size(progress.bytes()) + " sent  " + size(progress.tarBytes()) + " of "
                + size(progress.expectedTarBytes()) + " packed  " + rate;
        }
        return bar + size(progress.bytes()) + " of " + size(progress.finished() ? progress.bytes()
            : progress.expectedBytes()) + "  " + rate;
    }

    private static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
