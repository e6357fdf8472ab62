package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.steps.BaseDriverPodStep;
import io.sparkk8s.submission.steps.DependencyResolutionStep;
import io.sparkk8s.submission.steps.DriverCommandStep;
import io.sparkk8s.submission.steps.DriverKubernetesCredentialsStep;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import io.sparkk8s.submission.steps.DriverSecretEnvStep;
import io.sparkk8s.submission.steps.DriverSecretsStep;
import io.sparkk8s.submission.steps.DriverServiceStep;
import io.sparkk8s.submission.steps.DriverVolumesStep;
import io.sparkk8s.submission.steps.ExecutorPodTemplateStep;
import io.sparkk8s.submission.steps.HadoopConfStep;
import io.sparkk8s.submission.steps.LocalDirsStep;
import io.sparkk8s.submission.steps.SparkConfConfigMapStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DriverConfigurationStepsOrchestratorTest {

    private static final List<Class<?>> ALWAYS = List.of(BaseDriverPodStep.class, DriverLabelsStep.class,
        DriverCommandStep.class, DriverServiceStep.class, LocalDirsStep.class, SparkConfConfigMapStep.class);

    @TempDir
    static Path dir;

    static Stream<Arguments> matrix() throws IOException {
        Path template = Files.writeString(dir.resolve("exec.yaml"), "apiVersion: v1\nkind: Pod\n");
        return Stream.of(
            Arguments.of("Spark Pi from the image", "local:///opt/spark/examples/jars/spark-examples.jar",
                Map.of(), Map.of(), List.of()),
            Arguments.of("Python from the image", "local:///opt/spark/examples/src/main/python/pi.py",
                Map.of(), Map.of(), List.of()),
            Arguments.of("remote jar", "https://repo.example.com/app.jar", Map.of(), Map.of(),
                List.of(DependencyResolutionStep.class, ExecutorPodTemplateStep.class)),
            Arguments.of("remote extra file", "local:///app.jar", Map.of("spark.files", "s3a://b/f"), Map.of(),
                List.of(DependencyResolutionStep.class, ExecutorPodTemplateStep.class)),
            Arguments.of("local:// extra jars need no init-container", "local:///app.jar",
                Map.of("spark.jars", "local:///opt/a.jar"), Map.of(), List.of()),
            Arguments.of("driver token", "local:///app.jar",
                Map.of("spark.kubernetes.authenticate.driver.oauthToken", "t"), Map.of(),
                List.of(DriverKubernetesCredentialsStep.class)),
            Arguments.of("mounted credentials need no secret", "local:///app.jar",
                Map.of("spark.kubernetes.authenticate.driver.mounted.oauthTokenFile", "/t"), Map.of(), List.of()),
            Arguments.of("user secret", "local:///app.jar", Map.of("spark.kubernetes.driver.secrets.s", "/s"),
                Map.of(), List.of(DriverSecretsStep.class)),
            Arguments.of("secret env", "local:///app.jar",
                Map.of("spark.kubernetes.driver.secretKeyRef.E", "s:k"), Map.of(), List.of(DriverSecretEnvStep.class)),
            Arguments.of("volume", "local:///app.jar",
                Map.of("spark.kubernetes.driver.volumes.emptyDir.x.mount.path", "/x"), Map.of(),
                List.of(DriverVolumesStep.class)),
            Arguments.of("hadoop from environment", "local:///app.jar", Map.of(),
                Map.of("HADOOP_CONF_DIR", dir.toString()), List.of(HadoopConfStep.class)),
            Arguments.of("hadoop config map", "local:///app.jar",
                Map.of("spark.kubernetes.hadoop.configMapName", "h"), Map.of(), List.of(HadoopConfStep.class)),
            Arguments.of("executor template", "local:///app.jar",
                Map.of("spark.kubernetes.executor.podTemplateFile", template.toString()), Map.of(),
                List.of(ExecutorPodTemplateStep.class)),
            Arguments.of("labels and service account only change the base steps", "local:///app.jar",
                Map.of("spark.kubernetes.driver.label.a", "b",
                    "spark.kubernetes.authenticate.driver.serviceAccountName", "spark"), Map.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void picksTheStepsTheRequestNeeds(String name, String resource, Map<String, String> conf, Map<String, String> env,
        List<Class<?>> optional) {
        SubmissionRequest request = Fixtures.request(resource, Optional.of("a.Main"), conf);

        List<DriverConfigurationStep> steps = new DriverConfigurationStepsOrchestrator(request,
            Fixtures.names(request), Optional.empty(), env).steps();

        List<String> expected = new ArrayList<>();
        ALWAYS.forEach(c -> expected.add(c.getSimpleName()));
        optional.forEach(c -> expected.add(c.getSimpleName()));
        assertThat(steps).extracting(s -> s.getClass().getSimpleName()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(steps.get(steps.size() - 1)).isInstanceOf(SparkConfConfigMapStep.class);
    }

    @Test
    void aRichSubmissionRunsEveryStepAndTheConfigMapHoldsTheFinalConf() throws IOException {
        RichSubmission rich = RichSubmission.create(dir);

        KubernetesDriverSpec spec = rich.orchestrator().buildSpec();

        assertThat(rich.orchestrator().steps()).hasSize(13);
        ConfigMap confMap = spec.otherKubernetesResources().stream().filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast).filter(c -> c.getMetadata().getName().endsWith("-driver-conf-map"))
            .findFirst().orElseThrow();
        String properties = confMap.getData().get("spark.properties");
        assertThat(properties).contains("spark.driver.host=spark-pi-0123456789ab-driver-svc.spark-jobs.svc")
            .contains("spark.kubernetes.executor.podTemplateFile=/opt/spark/pod-template/pod-spec-template.yml")
            .contains("spark.jars=/var/spark-data/spark-jars/lib.jar,/var/spark-data/spark-jars/udf.jar,"
                + "local\\:///opt/extra.jar")
            .doesNotContain("t0ken");
        assertThat(spec.podWithDriverContainer().getMetadata().getLabels())
            .containsEntry("spark-app-selector", Fixtures.APP_ID).containsEntry("team", "data");
    }
}
