package io.sparkk8s.init;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries with exponential backoff and jitter, for transient failures only, never past a deadline.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff the longest wait between two attempts
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** Four attempts, waiting about 0.25 s, 0.5 s, 1 s in between. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(4));

    /** Rejects nonsense. */
    public RetryPolicy {
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry policy needs maxAttempts >= 1 and 0 <= initialBackoff <="
                + " maxBackoff, got " + maxAttempts + ", " + initialBackoff + ", " + maxBackoff);
        }
    }

    /** Something that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Attempt {
        /** One try. */
        void run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with a non-transient error, runs out of attempts,
     * or the next wait would pass {@code deadline}; the last failure is thrown.
     */
    public void run(Attempt attempt, Instant deadline) throws IOException, InterruptedException {
        long backoffMillis = initialBackoff.toMillis();
        for (int n = 1; ; n++) {
            try {
                attempt.run();
                return;
            } catch (DownloadException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                long wait = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
                if (n >= maxAttempts || Instant.now().plusMillis(wait).isAfter(deadline)) {
                    throw n == 1 ? e : new DownloadException(e.getMessage() + " (gave up after " + n + " attempts)",
                        true, e);
                }
                Thread.sleep(wait);
                backoffMillis = Math.min(maxBackoff.toMillis(), backoffMillis * 2);
            }
        }
    }
}
