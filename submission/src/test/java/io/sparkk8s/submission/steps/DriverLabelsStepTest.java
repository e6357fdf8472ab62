package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverLabelsStepTest {

    private final DriverLabelsStep step = new DriverLabelsStep("spark-0123");

    @Test
    void addsUserLabelsAndAnnotationsAndSparksOwnLabels() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.driver.label.team", "data",
            "spark.kubernetes.driver.annotation.owner", "me@example.com"));

        KubernetesDriverSpec out = step.configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(out.driverPod().getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "team", "data", "spark-app-selector", "spark-0123", "spark-role", "driver"));
        assertThat(out.driverPod().getMetadata().getAnnotations())
            .containsExactlyEntriesOf(Map.of("owner", "me@example.com"));
    }

    @Test
    void labelsTheAppNameAsUpstreamDoes() {
        KubernetesDriverSpec out = new DriverLabelsStep("spark-1", "My Spark_Pi (nightly)")
            .configureDriver(KubernetesDriverSpec.initial(SparkConf.empty()));

        assertThat(out.driverPod().getMetadata().getLabels()).containsEntry("spark-app-name", "my-spark_pi--nightly");
    }

    @Test
    void onlyAddsToWhatEarlierStepsBuilt() {
        KubernetesDriverSpec in = new KubernetesDriverSpec(
            new PodBuilder().withNewMetadata().withName("driver").addToLabels("existing", "x").endMetadata()
                .withNewSpec().withServiceAccountName("spark").endSpec().build(),
            new ContainerBuilder().withName("spark-kubernetes-driver").withImage("apache/spark:3.5.1").build(),
            List.of(new ConfigMapBuilder().withNewMetadata().withName("conf").endMetadata().build()),
            SparkConf.of(Map.of("spark.app.name", "pi")));

        KubernetesDriverSpec out = step.configureDriver(in);

        assertThat(out.driverPod().getMetadata().getName()).isEqualTo("driver");
        assertThat(out.driverPod().getMetadata().getLabels()).containsEntry("existing", "x");
        assertThat(out.driverPod().getSpec()).isEqualTo(in.driverPod().getSpec());
        assertThat(out.driverContainer()).isEqualTo(in.driverContainer());
        assertThat(out.otherKubernetesResources()).isEqualTo(in.otherKubernetesResources());
        assertThat(out.driverSparkConf()).isEqualTo(in.driverSparkConf());
        assertThat(in.driverPod().getMetadata().getLabels()).containsOnlyKeys("existing");
    }

    @Test
    void rejectsUserLabelsThatWouldOverrideSparksOwn() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.driver.label.spark-role", "executor"));

        assertThatThrownBy(() -> step.configureDriver(KubernetesDriverSpec.initial(conf)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageContaining("spark.kubernetes.driver.label.spark-role")
            .hasMessageContaining("reserved");
    }
}
