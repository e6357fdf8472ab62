package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitContainerPropertiesTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("spark-init.properties"), content);
    }

    @Test
    void emptyFileGivesTheOriginalDefaults() throws IOException {
        InitContainerProperties p = InitContainerProperties.load(write(""));

        assertThat(p.jarsDownloadDir()).isEqualTo(Path.of("/var/spark-data/spark-jars"));
        assertThat(p.filesDownloadDir()).isEqualTo(Path.of("/var/spark-data/spark-files"));
        assertThat(p.mountTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.hasWork()).isFalse();
    }

    @Test
    void readsRemoteUrisAndStagedBundles() throws IOException {
        InitContainerProperties p = InitContainerProperties.load(write("""
            spark.kubernetes.initcontainer.remoteJars=https://h/a.jar, hdfs://nn/b.jar
            spark.kubernetes.resourceStagingServer.uri=https://staging.spark.svc:10000
            spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=abc
            spark.kubernetes.initcontainer.downloadJarsSecretLocation=/mnt/secrets/spark-init/jars-secret
            spark.kubernetes.mountdependencies.mountTimeout=90s
            """));

        assertThat(p.remoteJars()).containsExactly("https://h/a.jar", "hdfs://nn/b.jar");
        assertThat(p.jarsResourceId()).contains("abc");
        assertThat(p.jarsSecretLocation()).contains(Path.of("/mnt/secrets/spark-init/jars-secret"));
        assertThat(p.mountTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.hasWork()).isTrue();
        assertThat(p.stagingServerUri()).contains(java.net.URI.create("https://staging.spark.svc:10000"));
    }

    @Test
    void aStagedBundleWithoutAStagingServerIsRejectedNamingTheUriKey() throws IOException {
        Path file = write("""
            spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=abc
            spark.kubernetes.initcontainer.downloadJarsSecretLocation=/mnt/secrets/spark-init/jars-secret
            """);

        assertThatThrownBy(() -> InitContainerProperties.load(file))
            .hasMessageStartingWith("spark.kubernetes.resourceStagingServer.uri: must be set");
    }

    @Test
    void theInternalStagingUriWinsOverThePublicOne() throws IOException {
        InitContainerProperties p = InitContainerProperties.load(write("""
            spark.kubernetes.resourceStagingServer.uri=https://public.example:443
            spark.kubernetes.resourceStagingServer.internal.uri=http://staging.spark.svc:10000
            """));

        assertThat(p.stagingServerUri()).contains(java.net.URI.create("http://staging.spark.svc:10000"));
    }

    @Test
    void tlsEnabledWithAnHttpStagingUriIsRejectedNamingBoth() throws IOException {
        Path file = write("""
            spark.kubernetes.resourceStagingServer.uri=http://staging:10000
            spark.ssl.kubernetes.resourceStagingServer.enabled=true
            """);

        assertThatThrownBy(() -> InitContainerProperties.load(file))
            .hasMessageStartingWith("spark.kubernetes.resourceStagingServer.uri: 'http://staging:10000' is not"
                + " https://").hasMessageContaining("spark.ssl.kubernetes.resourceStagingServer.enabled");
    }

    @Test
    void rejectsANonPositiveDownloadBoundNamingTheKey() throws IOException {
        Path file = write("spark.kubernetes.mountdependencies.maxSimultaneousDownloads=0\n");

        assertThatThrownBy(() -> InitContainerProperties.load(file))
            .hasMessage("spark.kubernetes.mountdependencies.maxSimultaneousDownloads: '0' is not a positive whole"
                + " number");
    }

    @Test
    void aBundleIdWithoutItsSecretIsRejectedNamingTheMissingKey() throws IOException {
        Path file = write("spark.kubernetes.initcontainer.downloadFilesResourceIdentifier=abc\n");

        assertThatThrownBy(() -> InitContainerProperties.load(file))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.initcontainer.downloadFilesSecretLocation:");
    }

    @Test
    void aMissingFileNamesTheOption() {
        assertThatThrownBy(() -> InitContainerProperties.load(dir.resolve("nope.properties")))
            .hasMessageStartingWith("--properties-file:").hasMessageContaining("does not exist");
    }

    @ParameterizedTest
    @CsvSource({"300s,PT5M", "5m,PT5M", "5min,PT5M", "1h,PT1H", "1500ms,PT1.5S", "42,PT42S"})
    void parsesDurationsLikeTheOriginal(String value, Duration expected) {
        assertThat(InitContainerProperties.parseDuration("k", value)).isEqualTo(expected);
    }

    @Test
    void rejectsAnInvalidDurationNamingTheKey() {
        assertThatThrownBy(() -> InitContainerProperties.parseDuration(
            "spark.kubernetes.mountdependencies.mountTimeout", "soon"))
            .hasMessageStartingWith("spark.kubernetes.mountdependencies.mountTimeout:");
    }
}
