package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest.ApplicationType;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BaseDriverPodStepTest {

    private static final String APP_ID = "spark-0123456789abcdef0123456789abcdef";

    private static KubernetesDriverSpec run(ApplicationType type, Map<String, String> conf) {
        Map<String, String> all = new HashMap<>(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1"));
        all.putAll(conf);
        SparkConf sparkConf = SparkConf.of(all);
        DriverResourceNames names = DriverResourceNames.of(APP_ID, "Spark Pi", sparkConf);
        return new BaseDriverPodStep(names, type, "etl").configureDriver(KubernetesDriverSpec.initial(sparkConf));
    }

    @ParameterizedTest(name = "{0} with memory={1} overhead={2} factor={3} -> {4}")
    @CsvSource(nullValues = "-", value = {
        "JAVA,   -,     -,    -,   1408Mi",
        "JAVA,   4g,    -,    -,   4505Mi",
        "JAVA,   512m,  -,    -,   896Mi",
        "JAVA,   8g,    -,    0.2, 9830Mi",
        "JAVA,   2g,    1g,   -,   3072Mi",
        "JAVA,   2048,  -,    -,   2432Mi",
        "PYTHON, 4g,    -,    -,   5734Mi",
        "R,      1g,    -,    -,   1433Mi",
        "PYTHON, 4g,    -,    0.1, 4505Mi",
    })
    void memoryRequestAndLimitAreMemoryPlusSparksOverhead(ApplicationType type, String memory, String overhead,
        String factor, String expected) {
        Map<String, String> conf = new HashMap<>();
        if (memory != null) {
            conf.put("spark.driver.memory", memory);
        }
        if (overhead != null) {
            conf.put("spark.driver.memoryOverhead", overhead);
        }
        if (factor != null) {
            conf.put("spark.driver.memoryOverheadFactor", factor);
        }

        Container container = run(type, conf).driverContainer();

        assertThat(container.getResources().getRequests()).containsEntry("memory", new Quantity(expected));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity(expected));
    }

    @Test
    void setsImageNamesPoliciesAndPorts() {
        KubernetesDriverSpec spec = run(ApplicationType.JAVA, Map.of(
            "spark.kubernetes.namespace", "jobs",
            "spark.kubernetes.driver.container.image", "my/driver:1",
            "spark.kubernetes.container.image.pullPolicy", "Always",
            "spark.kubernetes.container.image.pullSecrets", "reg1, reg2",
            "spark.kubernetes.driver.node.selector.disk", "ssd",
            "spark.kubernetes.driver.scheduler.name", "volcano",
            "spark.kubernetes.authenticate.driver.serviceAccountName", "spark",
            "spark.driver.cores", "2",
            "spark.kubernetes.driver.limit.cores", "3",
            "spark.kubernetes.driverEnv.MODE", "batch"));

        assertThat(spec.driverPod().getMetadata().getName()).isEqualTo("spark-pi-0123456789ab-driver");
        assertThat(spec.driverPod().getMetadata().getNamespace()).isEqualTo("jobs");
        assertThat(spec.driverPod().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(spec.driverPod().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
            .containsExactly("reg1", "reg2");
        assertThat(spec.driverPod().getSpec().getNodeSelector()).containsExactly(Map.entry("disk", "ssd"));
        assertThat(spec.driverPod().getSpec().getSchedulerName()).isEqualTo("volcano");
        assertThat(spec.driverPod().getSpec().getServiceAccountName()).isEqualTo("spark");
        Container c = spec.driverContainer();
        assertThat(c.getName()).isEqualTo(BaseDriverPodStep.DRIVER_CONTAINER_NAME);
        assertThat(c.getImage()).isEqualTo("my/driver:1");
        assertThat(c.getImagePullPolicy()).isEqualTo("Always");
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2"));
        assertThat(c.getResources().getLimits()).containsEntry("cpu", new Quantity("3"));
        assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(7078, 7079, 4040);
        assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("SPARK_USER", "SPARK_APPLICATION_ID",
            "MODE", "SPARK_DRIVER_BIND_ADDRESS");
        assertThat(c.getEnv().get(0).getValue()).isEqualTo("etl");
        assertThat(c.getEnv().get(3).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        assertThat(spec.driverSparkConf().asMap()).containsEntry("spark.app.id", APP_ID)
            .containsEntry("spark.kubernetes.driver.pod.name", "spark-pi-0123456789ab-driver")
            .containsEntry("spark.driver.port", "7078")
            .containsEntry("spark.kubernetes.memoryOverheadFactor", "0.1");
    }

    @Test
    void theUsersDriverEnvWinsOverTheDefaults() {
        KubernetesDriverSpec spec = run(ApplicationType.JAVA, Map.of("spark.kubernetes.driverEnv.SPARK_USER", "svc"));

        assertThat(spec.driverContainer().getEnv()).filteredOn(e -> e.getName().equals("SPARK_USER"))
            .singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo("svc"));
    }

    @Test
    void missingImageNamesTheKey() {
        SparkConf conf = SparkConf.empty();
        DriverResourceNames names = DriverResourceNames.of(APP_ID, "pi", conf);

        assertThatThrownBy(() -> new BaseDriverPodStep(names, ApplicationType.JAVA, "etl")
            .configureDriver(KubernetesDriverSpec.initial(conf)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.container.image: ");
    }

    @ParameterizedTest
    @CsvSource({
        "spark.driver.memory, lots",
        "spark.kubernetes.container.image.pullPolicy, Sometimes",
        "spark.driver.cores, two",
        "spark.driver.port, 0",
    })
    void badValuesNameTheKeyAndTheValue(String key, String value) {
        assertThatThrownBy(() -> run(ApplicationType.JAVA, Map.of(key, value)))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith(key + ": ")
            .hasMessageContaining(value);
    }
}
