package io.sparkk8s.http.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens of a file, read again when its modification time changes (a mounted Secret is updated in
 * place by the kubelet), checked at most once a second. A file that becomes unreadable or invalid
 * keeps the last good tokens and logs why.
 */
public final class ReloadingTokens implements Supplier<BearerTokens> {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTokens.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Path file;
    private volatile BearerTokens current;
    private volatile FileTime modified;
    private volatile long lastCheck;

    /**
     * Reads {@code file} now.
     *
     * @throws UncheckedIOException when it cannot be read
     * @throws IllegalArgumentException when it is not a tokens file
     */
    public ReloadingTokens(Path file) {
        this.file = file;
        try {
            this.modified = Files.getLastModifiedTime(file);
            this.current = BearerTokens.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokens file " + file
                + " (spark-k8s.daemon.tokens-file, --tokens-file)", e);
        }
        this.lastCheck = System.nanoTime();
    }

    @Override
    public BearerTokens get() {
        long now = System.nanoTime();
        if (now - lastCheck >= CHECK_EVERY_NANOS) {
            lastCheck = now;
            try {
                FileTime time = Files.getLastModifiedTime(file);
                if (!time.equals(modified)) {
                    current = BearerTokens.read(file);
                    modified = time;
                    LOG.info("read the tokens file {} again", file);
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("keeping the previous tokens: cannot read {}: {}", file, e.getMessage());
            }
        }
        return current;
    }
}
