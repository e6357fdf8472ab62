package io.sparkk8s.staging.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupDirectorySyncTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void callersArrivingDuringAnFsyncShareTheNextOneWhichStartsAfterThem() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        GroupDirectorySync sync = new GroupDirectorySync(dir, d -> {
            if (started.incrementAndGet() == 1) {
                firstStarted.countDown();
                await(releaseFirst);
            }
            GroupDirectorySync.fsyncDirectory(d);
            finished.incrementAndGet();
        });
        Future<Integer> first = threads.submit(() -> {
            sync.sync();
            return finished.get();
        });
        await(firstStarted);
        List<Future<Integer>> later = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            later.add(threads.submit(() -> {
                sync.sync();
                return finished.get();
            }));
        }
        // Every later caller is waiting (none can return while the first fsync is held).
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> waiting(later) == 16);

        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        for (Future<Integer> caller : later) {
            assertThat(caller.get(10, TimeUnit.SECONDS)).as("returned only after an fsync that began after it")
                .isGreaterThanOrEqualTo(2);
        }
        assertThat(sync.fsyncs()).isEqualTo(2);
    }

    @Test
    void everyCallerCoveredByAFailedFsyncGetsTheFailureAndTheNextRoundStartsAfresh() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        GroupDirectorySync sync = new GroupDirectorySync(dir, d -> {
            int round = started.incrementAndGet();
            if (round == 1) {
                firstStarted.countDown();
                await(releaseFirst);
            } else if (round == 2) {
                throw new IOException("No space left on device");
            }
        });
        Future<Void> leader = threads.submit(() -> {
            sync.sync();
            return null;
        });
        await(firstStarted);
        List<Future<Void>> failing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            failing.add(threads.submit(() -> {
                sync.sync();
                return null;
            }));
        }
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> waiting(failing) == 4);

        releaseFirst.countDown();

        leader.get(10, TimeUnit.SECONDS);
        for (Future<Void> caller : failing) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> caller.get(10, TimeUnit.SECONDS)))
                .hasRootCauseMessage("No space left on device");
        }
        sync.sync();
        assertThat(started.get()).isEqualTo(3);
    }

    private static int waiting(List<? extends Future<?>> callers) {
        return (int) callers.stream().filter(f -> !f.isDone()).count();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
