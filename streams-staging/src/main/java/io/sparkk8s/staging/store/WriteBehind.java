package io.sparkk8s.staging.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind for one upload's temporary file: while the body streams, every {@code everyBytes} the
 * file's data written so far is forced to disk on the store's I/O executor, off the stream's thread.
 * The final fsync before the commit then finds little dirty data left, so a large upload is answered
 * about when its last byte arrives instead of one full disk write later. Durability does not depend on
 * this: the final fsync still covers everything. At most one force runs at a time; a force still
 * running when the next threshold passes is simply not followed by another one.
 */
final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    private final Path file;
    private final long everyBytes;
    private final Executor executor;
    private FileChannel channel;
    private boolean running;
    private boolean closed;
    private long forces;

    WriteBehind(Path file, long everyBytes, Executor executor) {
        this.file = file;
        this.everyBytes = everyBytes;
        this.executor = executor;
    }

    /** Passes bytes unchanged; asks for a force each time another {@code everyBytes} went by. */
    Flow<ByteString, ByteString, NotUsed> flow() {
        return Flow.<ByteString>create().statefulMap(() -> new long[] {everyBytes}, (nextAt, chunk) -> {
            nextAt[0] -= chunk.size();
            if (nextAt[0] <= 0) {
                nextAt[0] = everyBytes;
                requestForce();
            }
            return Pair.create(nextAt, chunk);
        }, nextAt -> Optional.empty());
    }

    /** Stops forcing and closes the file handle (now, or when the running force ends). */
    synchronized void close() {
        closed = true;
        if (!running) {
            closeChannel();
        }
    }

    /** How many forces completed; for tests. */
    synchronized long forces() {
        return forces;
    }

    private synchronized void requestForce() {
        if (running || closed) {
            return;
        }
        running = true;
        executor.execute(this::force);
    }

    private void force() {
        try {
            FileChannel open;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (channel == null) {
                    // WRITE without CREATE: the sink created the file; if the upload already failed and
                    // the file is gone, there is nothing to force and nothing may be re-created.
                    channel = FileChannel.open(file, StandardOpenOption.WRITE);
                }
                open = channel;
            }
            open.force(false);
            synchronized (this) {
                forces++;
            }
        } catch (NoSuchFileException e) {
            LOG.debug("upload file {} is gone; nothing to force", file);
        } catch (IOException e) {
            // The final fsync reports real trouble; this one only spreads the work.
            LOG.debug("write-behind force of {} failed: {}", file, e.toString());
        } finally {
            synchronized (this) {
                running = false;
                if (closed) {
                    closeChannel();
                }
            }
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed: {}", file, e.toString());
            }
            channel = null;
        }
    }
}
