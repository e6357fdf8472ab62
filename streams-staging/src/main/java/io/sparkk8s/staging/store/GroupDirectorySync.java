package io.sparkk8s.staging.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes the names created in one directory durable, sharing fsyncs between concurrent callers (group
 * commit). A caller's names are durable once {@link #sync()} returns: the fsync that covers them started
 * after the call. Callers arriving while an fsync runs wait for it to end, then one of them fsyncs for
 * all of them, so N concurrent commits cost about two fsyncs instead of N.
 */
final class GroupDirectorySync {

    /** What {@link GroupDirectorySync} does once per group; tests count or fail it. */
    @FunctionalInterface
    interface DirectoryFsync {
        void fsync(Path dir) throws IOException;
    }

    private final Path dir;
    private final DirectoryFsync fsync;
    private Round collecting = new Round();
    private boolean running;
    private long fsyncs;

    GroupDirectorySync(Path dir) {
        this(dir, GroupDirectorySync::fsyncDirectory);
    }

    GroupDirectorySync(Path dir, DirectoryFsync fsync) {
        this.dir = dir;
        this.fsync = fsync;
    }

    /**
     * Returns once an fsync of the directory that started after this call has succeeded.
     *
     * @throws IOException if that fsync failed (every caller it covered gets the failure)
     */
    void sync() throws IOException {
        Round round;
        boolean interrupted = false;
        synchronized (this) {
            round = collecting;
            while (running && !round.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // The caller's names must be durable before it goes on: keep waiting, restore the flag.
                    interrupted = true;
                }
            }
            if (!round.done) {
                // This caller leads its round: later callers collect in the next one.
                running = true;
                collecting = new Round();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (round.done) {
            if (round.failure != null) {
                throw new IOException("fsync of directory " + dir + " failed: " + round.failure.getMessage(),
                    round.failure);
            }
            return;
        }
        IOException failure = null;
        try {
            fsync.fsync(dir);
        } catch (IOException e) {
            failure = e;
        }
        synchronized (this) {
            round.failure = failure;
            round.done = true;
            running = false;
            fsyncs++;
            notifyAll();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** How many fsyncs ran so far. */
    synchronized long fsyncs() {
        return fsyncs;
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static final class Round {
        private boolean done;
        private IOException failure;
    }
}
