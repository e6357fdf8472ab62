package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.Fixtures;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.PodTemplates;
import io.sparkk8s.submission.RecordingStager;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor pod template carries the driver's init-container: executors localize the same
 * dependencies from the same ConfigMap and Secret into the same paths, and a submitter's template is
 * kept.
 */
class ExecutorInitContainerTemplateTest {

    @TempDir
    Path dir;

    @Test
    void executorsGetExactlyTheDriversInitContainerAndVolumesForStagedDependencies() throws IOException {
        Path jar = Files.writeString(dir.resolve("udf.jar"), "jar");
        SubmissionRequest request = request(Map.of("spark.jars", jar + ",https://repo.example.com/lib.jar",
            "spark.files", "hdfs://nn:8020/f.csv"));

        Pod template = executorTemplate(request);
        KubernetesDriverSpec driver = new DependencyResolutionStep(Fixtures.names(request),
            request.primaryResource(), request.applicationType(), Optional.of(new RecordingStager()))
            .configureDriver(KubernetesDriverSpec.initial(request.sparkConf()));

        assertThat(template.getKind()).isEqualTo("Pod");
        assertThat(template.getSpec().getInitContainers())
            .isEqualTo(driver.driverPod().getSpec().getInitContainers());
        assertThat(template.getSpec().getVolumes()).isEqualTo(driver.driverPod().getSpec().getVolumes());
        assertThat(template.getSpec().getVolumes()).extracting(Volume::getName).containsExactly(
            "spark-init-properties", "download-jars-volume", "download-files-volume", "spark-init-secret");
        Container executor = template.getSpec().getContainers().get(0);
        assertThat(template.getSpec().getContainers()).hasSize(1);
        assertThat(executor.getName()).isEqualTo(ExecutorPodTemplateStep.EXECUTOR_CONTAINER_NAME);
        assertThat(executor.getVolumeMounts()).isEqualTo(driver.driverContainer().getVolumeMounts());
    }

    @Test
    void aLocalArchiveAloneIsStagedAndExecutorsGetTheDriversInitContainerForIt() throws IOException {
        // Everything else is in the image: the archive alone decides that the files bundle is staged.
        Path archive = Files.writeString(dir.resolve("env.tgz"), "tgz");
        SubmissionRequest request = request(Map.of("spark.archives", archive + "#env"));

        assertThat(DependencyResolutionStep.isNeeded(request.sparkConf(), request.primaryResource())).isTrue();
        assertThat(ExecutorPodTemplateStep.isNeeded(request.sparkConf(), request.primaryResource())).isTrue();
        Pod template = executorTemplate(request);
        KubernetesDriverSpec driver = new DependencyResolutionStep(Fixtures.names(request),
            request.primaryResource(), request.applicationType(), Optional.of(new RecordingStager()))
            .configureDriver(KubernetesDriverSpec.initial(request.sparkConf()));

        assertThat(template.getSpec().getInitContainers())
            .isEqualTo(driver.driverPod().getSpec().getInitContainers());
        assertThat(template.getSpec().getVolumes()).isEqualTo(driver.driverPod().getSpec().getVolumes());
        assertThat(template.getSpec().getVolumes()).extracting(Volume::getName).contains("spark-init-secret");
    }

    @Test
    void onlyRemoteDependenciesGiveTheInitContainerWithoutTheStagingSecret() throws IOException {
        SubmissionRequest request = request(Map.of("spark.jars", "https://repo.example.com/lib.jar"));

        Pod template = executorTemplate(request);

        assertThat(template.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("spark-init");
        assertThat(template.getSpec().getVolumes()).extracting(Volume::getName).containsExactly(
            "spark-init-properties", "download-jars-volume", "download-files-volume");
        assertThat(template.getSpec().getVolumes().get(0).getConfigMap().getName())
            .isEqualTo(Fixtures.names(request).resourceName("init-config"));
    }

    @Test
    void theSubmittersTemplateIsKeptAndTheMountsGoToItsNamedExecutorContainer() throws IOException {
        Path file = Files.writeString(dir.resolve("exec.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              labels:
                tier: batch
            spec:
              tolerations:
              - key: spot
              volumes:
              - name: scratch
                emptyDir: {}
              initContainers:
              - name: warm-cache
                image: busybox
              containers:
              - name: sidecar
                image: envoy:1
              - name: exec
                image: custom/spark:1
                volumeMounts:
                - name: scratch
                  mountPath: /scratch
            """);
        SubmissionRequest request = request(Map.of("spark.files", "https://repo.example.com/f.csv",
            ExecutorPodTemplateStep.KEY, file.toString(), "spark.kubernetes.executor.podTemplateContainerName",
            "exec"));

        Pod template = executorTemplate(request);

        assertThat(template.getMetadata().getLabels()).containsEntry("tier", "batch");
        assertThat(template.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("spot");
        assertThat(template.getSpec().getInitContainers()).extracting(Container::getName)
            .containsExactly("warm-cache", "spark-init");
        assertThat(template.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("scratch",
            "spark-init-properties", "download-jars-volume", "download-files-volume");
        assertThat(template.getSpec().getContainers().get(0).getVolumeMounts()).isEmpty();
        Container exec = template.getSpec().getContainers().get(1);
        assertThat(exec.getImage()).isEqualTo("custom/spark:1");
        assertThat(exec.getVolumeMounts()).extracting(VolumeMount::getMountPath)
            .containsExactly("/scratch", "/var/spark-data/spark-jars", "/var/spark-data/spark-files");
    }

    @Test
    void aTemplateWithoutTheNamedExecutorContainerIsRejectedNamingTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("exec.yaml"),
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: main\n");
        SubmissionRequest request = request(Map.of("spark.files", "https://repo.example.com/f.csv",
            ExecutorPodTemplateStep.KEY, file.toString(), "spark.kubernetes.executor.podTemplateContainerName",
            "exec"));

        assertThatThrownBy(() -> executorTemplate(request))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.executor.podTemplateContainerName: ")
            .hasMessageContaining("'exec'").hasMessageContaining("[main]");
    }

    @Test
    void dependenciesWithoutAnInitImageAreRejectedNamingTheKeyAndTheDependencies() {
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"),
            Map.of("spark.jars", "https://repo.example.com/lib.jar"));

        assertThatThrownBy(() -> executorTemplate(request))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith(DependencyResolutionStep.INIT_IMAGE + ": ")
            .hasMessageContaining("https://repo.example.com/lib.jar");
    }

    @Test
    void withoutDependenciesOrATemplateTheStepIsNotNeededAndAddsNothing() {
        SubmissionRequest request = request(Map.of("spark.jars", "local:///opt/lib.jar"));

        assertThat(ExecutorPodTemplateStep.isNeeded(request.sparkConf(), request.primaryResource())).isFalse();
        KubernetesDriverSpec initial = KubernetesDriverSpec.initial(request.sparkConf());
        assertThat(new ExecutorPodTemplateStep(Fixtures.names(request), request.sparkConf(),
            request.primaryResource()).configureDriver(initial)).isEqualTo(initial);
    }

    private static SubmissionRequest request(Map<String, String> conf) {
        Map<String, String> all = new HashMap<>(conf);
        all.put("spark.kubernetes.initContainer.image", "spark-k8s-init:1");
        all.put("spark.kubernetes.resourceStagingServer.uri", "http://staging:10000");
        return Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), all);
    }

    /** Runs the step as the orchestrator does and reads the template back from its ConfigMap. */
    private static Pod executorTemplate(SubmissionRequest request) {
        KubernetesDriverSpec spec = new ExecutorPodTemplateStep(Fixtures.names(request), request.sparkConf(),
            request.primaryResource()).configureDriver(KubernetesDriverSpec.initial(request.sparkConf()));
        assertThat(spec.driverSparkConf().get(ExecutorPodTemplateStep.KEY))
            .contains(ExecutorPodTemplateStep.MOUNT_PATH + "/" + ExecutorPodTemplateStep.FILE_NAME);
        assertThat(spec.driverContainer().getVolumeMounts()).extracting(VolumeMount::getMountPath)
            .containsExactly(ExecutorPodTemplateStep.MOUNT_PATH);
        List<ConfigMap> maps = spec.otherKubernetesResources().stream().filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast).toList();
        assertThat(maps).hasSize(1);
        String yaml = maps.get(0).getData().get(ExecutorPodTemplateStep.FILE_NAME);
        return PodTemplates.parse(ExecutorPodTemplateStep.KEY, "configmap", yaml);
    }
}
