package io.sparkk8s.actors.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for transient API errors: attempt {@code n} (1-based) that failed
 * waits {@code min(maxBackoff, minBackoff × 2^(n-1))} stretched by a random factor in {@code [1, 1 +
 * randomFactor]}, or the server's Retry-After when that is longer; after {@code maxAttempts} attempts
 * the submission fails.
 *
 * @param minBackoff the first delay
 * @param maxBackoff the longest delay
 * @param randomFactor how much each delay may be stretched at random, 0 for none
 * @param maxAttempts attempts in all, the first included
 */
public record RetryBackoff(Duration minBackoff, Duration maxBackoff, double randomFactor, int maxAttempts) {

    /** Validates, naming the setting at fault. */
    public RetryBackoff {
        if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("retry.min-backoff must be >= 0 and retry.max-backoff >= it, were "
                + minBackoff + " and " + maxBackoff);
        }
        if (randomFactor < 0 || randomFactor > 1) {
            throw new IllegalArgumentException("retry.random-factor must be between 0 and 1, was " + randomFactor);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.max-attempts must be 1 or more, was " + maxAttempts);
        }
    }

    /** Whether another attempt may follow failed attempt number {@code attempt}. */
    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based). */
    public Duration delayAfter(int attempt, Optional<Duration> retryAfter) {
        long min = minBackoff.toMillis();
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long exponential = Math.min(maxBackoff.toMillis(), min << shift < 0 ? Long.MAX_VALUE : min << shift);
        long jittered = (long) (exponential * (1 + ThreadLocalRandom.current().nextDouble() * randomFactor));
        long delay = Math.max(jittered, retryAfter.map(Duration::toMillis).orElse(0L));
        return Duration.ofMillis(delay);
    }
}
