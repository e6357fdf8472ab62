package io.sparkk8s.staging.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.ResourceStagerFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory as the CLI finds it; uploads through it are tested against the real server in http/. */
class HttpResourceStagerFactoryTest {

    private static final String SSL = HttpResourceStagerFactory.SSL_PREFIX;

    @TempDir
    Path tmp;

    @Test
    void theServiceLoaderFindsTheHttpStagerFactory() {
        List<ResourceStagerFactory> factories = ServiceLoader.load(ResourceStagerFactory.class).stream()
            .map(ServiceLoader.Provider::get).toList();

        assertThat(factories).hasSize(1).first().isInstanceOf(HttpResourceStagerFactory.class);
    }

    @Test
    void theStagerRunsOnDaemonThreadsSoTheCliExitsWithoutClosingIt() {
        ResourceStager stager = new HttpResourceStagerFactory().create(URI.create("http://127.0.0.1:1"),
            SparkConf.empty());
        try (var closable = (HttpResourceStagerFactory.ClosableStager) stager) {
            assertThat(closable.daemonic()).isTrue();
        }
    }

    @Test
    void tlsEnabledWithAnHttpUrlIsRefusedNamingTheUri() {
        assertThatThrownBy(() -> HttpResourceStagerFactory.clientTls(URI.create("http://staging:10000"),
            SparkConf.of(Map.of(SSL + "enabled", "true"))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("spark.kubernetes.resourceStagingServer.uri")
            .hasMessageContaining("http://staging:10000");
    }

    @Test
    void aMissingTrustStoreIsRefusedNamingTheKeyAndTheFile() {
        Path missing = tmp.resolve("missing.p12");

        assertThatThrownBy(() -> HttpResourceStagerFactory.clientTls(URI.create("https://staging:10000"),
            SparkConf.of(Map.of(SSL + "trustStore", missing.toString()))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining(SSL + "trustStore").hasMessageContaining(missing.toString());
    }

    @Test
    void anUnreadableClientCertPemIsRefusedNamingTheKey() throws Exception {
        Path notPem = Files.writeString(tmp.resolve("ca.pem"), "not a certificate");

        assertThatThrownBy(() -> HttpResourceStagerFactory.clientTls(URI.create("https://staging:10000"),
            SparkConf.of(Map.of(SSL + "clientCertPem", notPem.toString()))))
            .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining(SSL + "clientCertPem");
    }

    @Test
    void httpsWithoutTrustMaterialUsesTheJvmDefaultTrust() {
        assertThat(HttpResourceStagerFactory.clientTls(URI.create("https://staging:10000"), SparkConf.empty()))
            .isEmpty();
    }
}
