package io.sparkk8s.actors.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CleanerSettingsTest {

    @Test
    void readsTheDefaultsOfReferenceConf() {
        CleanerSettings settings = CleanerSettings.fromConfig(ConfigFactory.load());

        assertThat(settings).isEqualTo(new CleanerSettings(Duration.ofMinutes(30), Duration.ofSeconds(1),
            Duration.ofSeconds(5)));
    }

    @Test
    void rejectsANonPositiveDurationNamingTheKey() {
        assertThatThrownBy(() -> new CleanerSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("sparkk8s.actors.staged-resources-cleaner.unused-timeout")
            .hasMessageContaining("PT0S");
    }
}
