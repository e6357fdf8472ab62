package io.sparkk8s.config.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed reads through catalogue entries. */
class ConfigEntryTest {

    @Test
    void readsSizesInTheEntrysUnitWithItsDefault() {
        assertThat(SparkKeys.DRIVER_MEMORY.get(SparkConf.empty())).isEqualTo(1024L);
        assertThat(SparkKeys.DRIVER_MEMORY.get(SparkConf.of(Map.of("spark.driver.memory", "2g")))).isEqualTo(2048L);
        assertThat(SparkKeys.DRIVER_MEMORY.get(SparkConf.of(Map.of("spark.driver.memory", "1536")))).isEqualTo(1536L);
        assertThat(SparkKeys.DRIVER_MIN_MEMORY_OVERHEAD.get(SparkConf.empty())).isEqualTo(384L);
    }

    @Test
    void readsDurationsInTheEntrysUnit() {
        assertThat(KubernetesKeys.REPORT_INTERVAL.get(SparkConf.empty())).isEqualTo(Duration.ofSeconds(1));
        assertThat(KubernetesKeys.REPORT_INTERVAL.get(SparkConf.of(Map.of("spark.kubernetes.report.interval",
            "250")))).isEqualTo(Duration.ofMillis(250));
        assertThat(InitContainerKeys.MOUNT_TIMEOUT.get(SparkConf.of(Map.of(
            "spark.kubernetes.mountdependencies.mountTimeout", "90")))).isEqualTo(Duration.ofSeconds(90));
        assertThat(StagingKeys.INITIAL_ACCESS_EXPIRATION_TIMEOUT.get(SparkConf.empty()))
            .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void readsBooleansListsAndNumbers() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.submission.waitAppCompletion", " FALSE ",
            "spark.jars", " a.jar, ,b.jar,",
            "spark.driver.memoryOverheadFactor", "0.25"));

        assertThat(KubernetesKeys.WAIT_APP_COMPLETION.get(conf)).isFalse();
        assertThat(SparkKeys.JARS.get(conf)).containsExactly("a.jar", "b.jar");
        assertThat(SparkKeys.DRIVER_MEMORY_OVERHEAD_FACTOR.get(conf)).isEqualTo(0.25);
        assertThat(SparkKeys.FILES.find(conf)).isEmpty();
    }

    @Test
    void fallsBackToTheSharedImageAndPrefersTheDeprecatedAliasOverTheFallback() {
        SparkConf shared = SparkConf.of(Map.of("spark.kubernetes.container.image", "spark:3.5.1"));
        SparkConf old = shared.with("spark.kubernetes.driver.docker.image", "old-driver:1");

        assertThat(KubernetesKeys.DRIVER_CONTAINER_IMAGE.find(shared)).contains("spark:3.5.1");
        assertThat(KubernetesKeys.DRIVER_CONTAINER_IMAGE.find(old)).contains("old-driver:1");
        assertThat(KubernetesKeys.DRIVER_CONTAINER_IMAGE.find(SparkConf.empty())).isEmpty();
        assertThat(KubernetesKeys.DRIVER_CONTAINER_IMAGE.defaultDescription())
            .isEqualTo("(value of spark.kubernetes.container.image)");
    }

    @Test
    void getOfAnUnsetKeyWithoutDefaultNamesTheKey() {
        assertThatThrownBy(() -> KubernetesKeys.CONTAINER_IMAGE.get(SparkConf.empty()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.container.image: is required but not set; ");
    }

    @Test
    void aBadValueUnderADeprecatedNameIsReportedUnderThatName() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.driver.memoryOverhead", "lots"));

        assertThatThrownBy(() -> SparkKeys.DRIVER_MEMORY_OVERHEAD.find(conf))
            .hasMessageStartingWith("spark.kubernetes.driver.memoryOverhead: 'lots' is not a size");
    }

    @Test
    void readsPrefixedFamiliesAsMapsMergingTheDeprecatedListForm() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.executor.annotations", "a=1, b = 2",
            "spark.kubernetes.executor.annotation.b", "3",
            "spark.kubernetes.executor.annotation.c", "4"));

        assertThat(PodMetadataKeys.EXECUTOR_ANNOTATIONS.get(conf))
            .containsExactly(Map.entry("a", "1"), Map.entry("b", "3"), Map.entry("c", "4"));
    }

    @Test
    void everyDefaultParsesAndEveryKeyIsDocumented() {
        for (CatalogueEntry entry : ConfigCatalogue.standard().entries()) {
            assertThat(entry.doc()).as(entry.key()).isNotBlank().endsWith(".");
            assertThat(entry.since()).as(entry.key()).matches("\\d+\\.\\d+\\.\\d+.*");
            if (entry instanceof ConfigEntry<?> single) {
                assertThat(single.find(SparkConf.empty())).as(entry.key()).isNotNull();
            }
        }
    }

    @Test
    void findsEntriesByKeyPrefixOrAlias() {
        ConfigCatalogue catalogue = ConfigCatalogue.standard();

        assertThat(catalogue.find("spark.driver.memory")).contains(SparkKeys.DRIVER_MEMORY);
        assertThat(catalogue.find("spark.kubernetes.driver.label.team")).contains(PodMetadataKeys.DRIVER_LABELS);
        assertThat(catalogue.find("spark.kubernetes.driver.docker.image"))
            .contains(KubernetesKeys.DRIVER_CONTAINER_IMAGE);
        assertThat(catalogue.find("spark.kubernetes.driver.label.")).isEmpty();
        assertThat(catalogue.isDeprecated("spark.kubernetes.driver.docker.image")).isTrue();
        assertThat(catalogue.closestKey("spark.kubernetes.namepsace")).contains("spark.kubernetes.namespace");
        assertThat(catalogue.closestKey("spark.kubernetes.something.else")).isEmpty();
        assertThat(catalogue.entries()).extracting(CatalogueEntry::key)
            .contains("spark.kubernetes.namespace", "spark.kubernetes.resourceStagingServer.uri",
                "spark.kubernetes.initcontainer.remoteJars")
            .doesNotHaveDuplicates();
        assertThat(List.of(SparkKeys.ALL, KubernetesKeys.ALL, AuthenticationKeys.ALL, PodMetadataKeys.ALL,
            StagingKeys.ALL, InitContainerKeys.ALL).stream().mapToInt(List::size).sum())
            .isEqualTo(catalogue.entries().size());
    }
}
