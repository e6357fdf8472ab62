package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.PodTemplates;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodTemplateStepsTest {

    @TempDir
    Path dir;

    @Test
    void executorTemplateIsShippedInAConfigMapAndTheDriverGetsTheMountedPath() throws IOException {
        String yaml = "apiVersion: v1\nkind: Pod\nspec:\n  tolerations:\n  - key: spot\n";
        Path template = Files.writeString(dir.resolve("exec.yaml"), yaml);
        SparkConf conf = SparkConf.of(Map.of(ExecutorPodTemplateStep.KEY, template.toString()));

        KubernetesDriverSpec spec = new ExecutorPodTemplateStep(DriverResourceNames.of("spark-1", "pi", conf))
            .configureDriver(KubernetesDriverSpec.initial(conf));

        ConfigMap map = (ConfigMap) spec.otherKubernetesResources().get(0);
        assertThat(map.getData()).containsExactly(Map.entry("pod-spec-template.yml", yaml));
        assertThat(spec.driverSparkConf().get(ExecutorPodTemplateStep.KEY))
            .contains("/opt/spark/pod-template/pod-spec-template.yml");
        assertThat(spec.driverContainer().getVolumeMounts().get(0).getMountPath()).isEqualTo("/opt/spark/pod-template");
    }

    @Test
    void aTemplateThatIsNotAPodIsRejectedBeforeAnythingIsCreated() throws IOException {
        Path template = Files.writeString(dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Service\n");
        SparkConf conf = SparkConf.of(Map.of(ExecutorPodTemplateStep.KEY, template.toString()));

        assertThatThrownBy(() -> new ExecutorPodTemplateStep(DriverResourceNames.of("spark-1", "pi", conf))
            .configureDriver(KubernetesDriverSpec.initial(conf)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith(ExecutorPodTemplateStep.KEY + ": ")
            .hasMessageContaining("kind: Pod");
    }

    @Test
    void driverTemplateIsTheStartingSpecAndItsNamedContainerTheDriverContainer() throws IOException {
        Path template = Files.writeString(dir.resolve("driver.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              labels:
                cost-center: "42"
            spec:
              priorityClassName: high
              containers:
              - name: sidecar
                image: envoy:1
              - name: main
                image: custom/spark:1
                env:
                - name: FROM_TEMPLATE
                  value: "yes"
            """);
        SparkConf conf = SparkConf.of(Map.of(PodTemplates.DRIVER_TEMPLATE, template.toString(),
            PodTemplates.DRIVER_TEMPLATE_CONTAINER, "main"));

        KubernetesDriverSpec spec = PodTemplates.initialSpec(conf);

        assertThat(spec.driverContainer().getImage()).isEqualTo("custom/spark:1");
        assertThat(spec.driverPod().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("sidecar");
        assertThat(spec.driverPod().getSpec().getPriorityClassName()).isEqualTo("high");
        assertThat(spec.driverPod().getMetadata().getLabels()).containsEntry("cost-center", "42");
    }
}
