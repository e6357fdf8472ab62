package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DriverResourceNamesTest {

    @ParameterizedTest
    @CsvSource({
        "Spark Pi,                 spark-pi-0123456789ab",
        "my_app.v2,                my-app-v2-0123456789ab",
        "42 is the answer,         is-the-answer-0123456789ab",
        "---,                      spark-0123456789ab",
        "a-name-that-is-much-too-long-for-a-kubernetes-dns-label-really, "
            + "a-name-that-is-much-too-long-for-a-kube-0123456789ab",
    })
    void prefixesAreValidDnsLabelsDerivedFromTheAppNameAndId(String appName, String prefix) {
        DriverResourceNames names = DriverResourceNames.of(Fixtures.APP_ID, appName, SparkConf.empty());

        assertThat(names.resourceNamePrefix()).isEqualTo(prefix);
        assertThat(names.driverServiceName()).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
        assertThat(names.driverPodName()).isEqualTo(prefix + "-driver");
        assertThat(names.namespace()).isEqualTo("default");
    }

    @Test
    void theSameIdGivesTheSameNamesAndAnotherIdOthers() {
        DriverResourceNames a = DriverResourceNames.of(Fixtures.APP_ID, "pi", SparkConf.empty());

        assertThat(DriverResourceNames.of(Fixtures.APP_ID, "pi", SparkConf.empty())).isEqualTo(a);
        assertThat(DriverResourceNames.of(DriverResourceNames.newAppId(), "pi", SparkConf.empty())
            .resourceNamePrefix()).isNotEqualTo(a.resourceNamePrefix());
    }

    @Test
    void invalidNamespaceAndPodNamesNameTheKey() {
        assertThatThrownBy(() -> DriverResourceNames.of("spark-1", "pi",
            SparkConf.of(Map.of("spark.kubernetes.namespace", "Jobs_1"))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.namespace: ").hasMessageContaining("'Jobs_1'");
        assertThatThrownBy(() -> DriverResourceNames.of("spark-1", "pi",
            SparkConf.of(Map.of("spark.kubernetes.driver.pod.name", "My Driver"))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.driver.pod.name: ").hasMessageContaining("'My Driver'");
    }
}
