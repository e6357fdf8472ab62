package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StagingServerSettingsTest {

    @Test
    void defaultsKeepTheOriginalServersPortAndExpiry() {
        StagingServerSettings settings = StagingServerSettings.fromConfig(ConfigFactory.defaultReference());

        assertThat(settings.port()).isEqualTo(10000);
        assertThat(settings.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(settings.initialAccessExpirationTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.tls()).isEmpty();
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void overridesApplyOnTopOfTheReference() {
        StagingServerSettings settings = StagingServerSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.staging-server { port = 10443, store-root = /data/staging, max-bundle-size = 1g,"
                + " request-timeout = infinite }").withFallback(ConfigFactory.defaultReference()));

        assertThat(settings.port()).isEqualTo(10443);
        assertThat(settings.storeRoot()).isEqualTo(Path.of("/data/staging"));
        assertThat(settings.maxBundleSize()).isEqualTo(1024L * 1024 * 1024);
        assertThat(settings.requestTimeout()).isNull();
    }

    @Test
    void rejectsABadPortNamingTheSetting() {
        assertThatThrownBy(() -> StagingServerSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.staging-server.port = 70000").withFallback(ConfigFactory.defaultReference())))
            .hasMessageContaining("spark-k8s.staging-server.port: 70000");
    }

    @Test
    void rejectsTlsWithoutKeyMaterialNamingTheSettings() {
        assertThatThrownBy(() -> StagingServerSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.staging-server.tls.enabled = true").withFallback(ConfigFactory.defaultReference())))
            .hasMessageContaining("spark-k8s.staging-server.tls.enabled").hasMessageContaining("key-store");
    }
}
