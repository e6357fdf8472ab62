package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.Fixtures;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DriverCommandStepTest {

    @ParameterizedTest
    @CsvSource({
        "local:///opt/spark/examples/jars/spark-examples.jar, org.apache.spark.examples.SparkPi,"
            + " org.apache.spark.examples.SparkPi, local:///opt/spark/examples/jars/spark-examples.jar",
        "https://repo.example.com/app.jar, com.example.Main, com.example.Main, /var/spark-data/spark-jars/app.jar",
        "local:///opt/spark/examples/src/main/python/pi.py, , org.apache.spark.deploy.PythonRunner,"
            + " local:///opt/spark/examples/src/main/python/pi.py",
        "/home/me/job.py, , org.apache.spark.deploy.PythonRunner, /var/spark-data/spark-files/job.py",
        "local:///opt/spark/examples/src/main/r/dataframe.R, , org.apache.spark.deploy.RRunner,"
            + " local:///opt/spark/examples/src/main/r/dataframe.R",
    })
    void followsTheImageEntrypointsDriverContract(String resource, String mainClass, String expectedClass,
        String expectedPath) {
        SubmissionRequest request = Fixtures.request(resource, Optional.ofNullable(mainClass), Map.of());

        KubernetesDriverSpec spec = new DriverCommandStep(request, Fixtures.names(request))
            .configureDriver(KubernetesDriverSpec.initial(request.sparkConf()));

        assertThat(spec.driverContainer().getArgs()).containsExactly("driver", "--properties-file",
            "/opt/spark/conf/spark.properties", "--class", expectedClass, expectedPath, "100");
        assertThat(spec.driverContainer().getVolumeMounts()).singleElement()
            .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/opt/spark/conf"));
        assertThat(spec.driverPod().getSpec().getVolumes()).singleElement()
            .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("spark-pi-0123456789ab-driver-conf-map"));
    }

    @Test
    void pythonInterpreterSettingsBecomeEnvironment() {
        SubmissionRequest request = Fixtures.request("local:///app/job.py", Optional.empty(),
            Map.of("spark.pyspark.python", "python3", "spark.pyspark.driver.python", "python3.11"));

        KubernetesDriverSpec spec = new DriverCommandStep(request, Fixtures.names(request))
            .configureDriver(KubernetesDriverSpec.initial(request.sparkConf()));

        assertThat(spec.driverContainer().getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
            .contains("PYSPARK_PYTHON=python3", "PYSPARK_DRIVER_PYTHON=python3.11");
        assertThat(spec.driverSparkConf().get("spark.kubernetes.resource.type")).contains("python");
        assertThat(spec.driverSparkConf().get("spark.master")).as("the driver's spark-submit needs it")
            .contains("k8s://https://127.0.0.1:6443");
    }

    @Test
    void aJarWithoutMainClassIsRejectedNamingTheOption() {
        SubmissionRequest request = Fixtures.request("local:///app.jar", Optional.empty(), Map.of());

        assertThatThrownBy(() -> new DriverCommandStep(request, Fixtures.names(request))
            .configureDriver(KubernetesDriverSpec.initial(request.sparkConf())))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("--class: ");
    }
}
