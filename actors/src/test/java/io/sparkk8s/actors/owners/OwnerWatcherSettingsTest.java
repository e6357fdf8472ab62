package io.sparkk8s.actors.owners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OwnerWatcherSettingsTest {

    @Test
    void readsTheDefaultsOfReferenceConf() {
        OwnerWatcherSettings settings = OwnerWatcherSettings.fromConfig(ConfigFactory.load());

        assertThat(settings).isEqualTo(new OwnerWatcherSettings(Duration.ZERO, Duration.ofSeconds(1),
            Duration.ofSeconds(5)));
    }

    @Test
    void rejectsAZeroRetryIntervalNamingTheKey() {
        assertThatThrownBy(() -> new OwnerWatcherSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sparkk8s.actors.owner-watcher.confirm-retry-interval");
    }

    @Test
    void theBlockingDispatcherItNamesIsConfigured() {
        assertThat(ConfigFactory.load().hasPath(OwnerWatcher.BLOCKING_IO_DISPATCHER + ".type")).isTrue();
    }
}
