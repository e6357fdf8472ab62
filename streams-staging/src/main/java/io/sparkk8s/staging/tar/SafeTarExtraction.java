package io.sparkk8s.staging.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * Unpacks a tar stream (gzip-compressed or not: detected from its first bytes) arriving as a Pekko
 * stream into a directory, with the rules of {@link BlockingTarExtraction}: refusing anything that
 * could write outside it (absolute names, {@code ..} segments, symbolic or hard links that point
 * outside, writes through links, and device files, FIFOs and other special entries), with the total
 * content size and the number of entries capped.
 *
 * <p>On a refusal the stage fails with {@link UnsafeArchiveException}; what was written before stays
 * (the caller owns the target directory and discards it on failure).
 */
public final class SafeTarExtraction {

    private SafeTarExtraction() {
    }

    /**
     * Extracts {@code archive} into {@code target} (created if needed). The stream is read through an
     * {@code InputStream} on {@code blockingIo}; {@code readTimeout} bounds how long it may stall.
     */
    public static CompletionStage<Extracted> extract(Source<ByteString, ?> archive, Path target,
        ExtractionLimits limits, Duration readTimeout, Materializer materializer, Executor blockingIo) {
        return archive.runWith(sink(target, limits, readTimeout, blockingIo), materializer);
    }

    /**
     * A sink that extracts the tar stream it receives into {@code target}, on {@code blockingIo};
     * its value completes when the extraction is done.
     */
    public static Sink<ByteString, CompletionStage<Extracted>> sink(Path target, ExtractionLimits limits,
        Duration readTimeout, Executor blockingIo) {
        return StreamConverters.asInputStream(readTimeout).mapMaterializedValue(in ->
            CompletableFuture.supplyAsync(() -> {
                try (InputStream stream = in) {
                    return BlockingTarExtraction.extract(stream, target, limits);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, blockingIo));
    }

    /**
     * Extracts the tar (or tar.gz) in {@code in} into {@code target}. Blocking: the same as {@link
     * BlockingTarExtraction#extract}, which callers without Pekko should use.
     */
    public static Extracted extract(InputStream in, Path target, ExtractionLimits limits) throws IOException {
        return BlockingTarExtraction.extract(in, target, limits);
    }
}
