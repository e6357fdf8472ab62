package io.sparkk8s.actors.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, 5);

    @Test
    void delaysDoubleFromTheMinimumUpToTheMaximumWithJitterOnTop() {
        long[] floors = {100, 200, 400, 800, 1000, 1000};
        for (int attempt = 1; attempt <= floors.length; attempt++) {
            for (int sample = 0; sample < 200; sample++) {
                long millis = backoff.delayAfter(attempt, Optional.empty()).toMillis();
                assertThat(millis).as("attempt %d", attempt).isBetween(floors[attempt - 1],
                    (long) (floors[attempt - 1] * 1.5));
            }
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        long distinct = java.util.stream.IntStream.range(0, 100)
            .mapToLong(i -> backoff.delayAfter(3, Optional.empty()).toMillis()).distinct().count();

        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void aLongerRetryAfterFromTheServerWins() {
        assertThat(backoff.delayAfter(1, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void attemptsAreBounded() {
        assertThat(backoff.mayRetryAfter(4)).isTrue();
        assertThat(backoff.mayRetryAfter(5)).isFalse();
    }

    @Test
    void rejectsSettingsOutOfRangeNamingThem() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.2, 3))
            .hasMessageContaining("retry.max-backoff");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1), 2, 3))
            .hasMessageContaining("retry.random-factor").hasMessageContaining("2.0");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1), 0.2, 0))
            .hasMessageContaining("retry.max-attempts");
    }
}
