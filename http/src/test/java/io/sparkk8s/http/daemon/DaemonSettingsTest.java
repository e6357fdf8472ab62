package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSettingsTest {

    @Test
    void theDefaultsComeFromTheModulesReferenceConf() {
        assertThat(moduleReference().resolve().hasPath("spark-k8s.daemon.port")).isTrue();
        assertThat(DaemonSettings.class.getResource("daemon-defaults.conf")).isNull();

        DaemonSettings settings = DaemonSettings.fromConfig(ConfigFactory.empty());

        assertThat(settings.port()).isEqualTo(10001);
        assertThat(settings.bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void aSystemPropertyOverridesADefault() {
        System.setProperty("spark-k8s.daemon.max-page-size", "7");
        System.setProperty("spark-k8s.daemon.default-page-size", "5");
        ConfigFactory.invalidateCaches();
        try {
            DaemonSettings settings = DaemonSettings.fromConfig(ConfigFactory.load());

            assertThat(settings.maxPageSize()).isEqualTo(7);
            assertThat(settings.defaultPageSize()).isEqualTo(5);
        } finally {
            System.clearProperty("spark-k8s.daemon.max-page-size");
            System.clearProperty("spark-k8s.daemon.default-page-size");
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void theEnvironmentVariablesNamedInReferenceConfOverrideTheDefaults() {
        // Substitutions find a root-level key before the process environment: stand-ins for the variables.
        var reference = ConfigFactory.parseMap(Map.of("SPARK_K8S_DAEMON_PORT", "12345",
            "SPARK_K8S_DAEMON_TOKENS_FILE", "/run/tokens")).withFallback(moduleReference()).resolve();

        DaemonSettings settings = DaemonSettings.fromConfig(reference);

        assertThat(settings.port()).isEqualTo(12345);
        assertThat(settings.tokensFile()).hasToString("/run/tokens");
    }

    @Test
    void anApplicationConfValueWinsOverTheReference() {
        DaemonSettings settings = DaemonSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.daemon.events-poll-interval = 250ms"));

        assertThat(settings.eventsPollInterval()).hasMillis(250);
    }

    /** The daemon's block of the module's own reference.conf, as kept in the repo. */
    private static Config moduleReference() {
        return ConfigFactory.parseFile(Path.of("src/main/resources/reference.conf").toFile())
            .withOnlyPath(DaemonSettings.PATH);
    }
}
