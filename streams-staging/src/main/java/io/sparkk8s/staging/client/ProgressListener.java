package io.sparkk8s.staging.client;

/**
 * Receives {@link StagingProgress} reports of a transfer, e.g. to draw a progress bar or log lines.
 * Called from the stream; it must return quickly and not block.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores every report. */
    ProgressListener NONE = progress -> { };

    /** One report. */
    void onProgress(StagingProgress progress);
}
