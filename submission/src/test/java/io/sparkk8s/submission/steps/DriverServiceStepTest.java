package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriverServiceStepTest {

    @Test
    void addsAHeadlessServiceSelectingTheDriverAndPointsSparkDriverHostAtIt() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.namespace", "jobs", "spark.ui.port", "4050"));
        DriverResourceNames names = DriverResourceNames.of("spark-abc", "A very long application name that goes on"
            + " and on and on", conf);

        KubernetesDriverSpec spec = new DriverServiceStep(names).configureDriver(KubernetesDriverSpec.initial(conf));

        Service service = (Service) spec.otherKubernetesResources().get(0);
        assertThat(service.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).endsWith("-driver-svc");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "spark-app-selector", "spark-abc", "spark-role", "driver"));
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(7078, 7079, 4050);
        assertThat(spec.driverSparkConf().get("spark.driver.host"))
            .contains(service.getMetadata().getName() + ".jobs.svc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark.driver.host", "spark.driver.bindAddress"})
    void refusesAddressesTheClusterDecides(String key) {
        SparkConf conf = SparkConf.of(Map.of(key, "10.0.0.1"));

        assertThatThrownBy(() -> new DriverServiceStep(DriverResourceNames.of("spark-1", "pi", conf))
            .configureDriver(KubernetesDriverSpec.initial(conf)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith(key + ": ");
    }
}
