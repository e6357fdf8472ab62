package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.SparkKeys;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.config.catalogue.AuthenticationKeys;
import io.sparkk8s.config.SubmissionRequest.ApplicationType;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The driver pod's basics: name and namespace, image and pull policy, pull secrets, user
 * environment ({@code spark.kubernetes.driverEnv.*}), {@code SPARK_DRIVER_BIND_ADDRESS} from the pod
 * IP, node selector, scheduler name, service account, {@code restartPolicy: Never}, memory (request =
 * limit = memory + overhead), cores (request, optional limit) and the driver's ports; plus the conf
 * keys the driver needs to find itself.
 *
 * <p>Memory overhead follows Spark: {@code spark.driver.memoryOverhead} if set, else
 * max(factor × memory, {@code spark.driver.minMemoryOverhead} = 384 MiB), where the factor is {@code
 * spark.driver.memoryOverheadFactor}, else {@code spark.kubernetes.memoryOverheadFactor}, else 0.1 for
 * JVM and 0.4 for Python and R applications. The product is truncated to whole MiB.
 */
public final class BaseDriverPodStep implements DriverConfigurationStep {

    /** The name of the container that runs the driver. */
    public static final String DRIVER_CONTAINER_NAME = "spark-kubernetes-driver";
    /** Spark's default driver RPC port. */
    public static final int DEFAULT_DRIVER_PORT = 7078;
    /** Spark's default driver block manager port on Kubernetes. */
    public static final int DEFAULT_BLOCK_MANAGER_PORT = 7079;
    /** Spark's default UI port. */
    public static final int DEFAULT_UI_PORT = 4040;

    static final String IMAGE = "spark.kubernetes.container.image";
    static final String DRIVER_IMAGE = "spark.kubernetes.driver.container.image";
    static final String PULL_POLICY = "spark.kubernetes.container.image.pullPolicy";
    static final String DRIVER_ENV_PREFIX = "spark.kubernetes.driverEnv.";
    static final String NODE_SELECTOR_PREFIX = "spark.kubernetes.node.selector.";
    static final String DRIVER_NODE_SELECTOR_PREFIX = "spark.kubernetes.driver.node.selector.";
    static final String REQUEST_CORES = "spark.kubernetes.driver.request.cores";
    static final String DRIVER_PORT = "spark.driver.port";
    static final String BLOCK_MANAGER_PORT = "spark.driver.blockManager.port";
    static final String UI_PORT = "spark.ui.port";

    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

    private final DriverResourceNames names;
    private final ApplicationType applicationType;
    private final String sparkUser;

    /**
     * @param names the submission's names
     * @param applicationType decides the default memory overhead factor
     * @param sparkUser the user the driver acts as ({@code SPARK_USER}): the proxy user, else the submitter
     */
    public BaseDriverPodStep(DriverResourceNames names, ApplicationType applicationType, String sparkUser) {
        this.names = names;
        this.applicationType = applicationType;
        this.sparkUser = sparkUser;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        long memoryMiB = SparkKeys.DRIVER_MEMORY.get(conf);
        double factor = overheadFactor(conf);
        long podMemoryMiB = memoryMiB + overheadMiB(conf, memoryMiB, factor);
        String cores = KubernetesKeys.DRIVER_REQUEST_CORES.find(conf)
            .orElse(Integer.toString(SparkKeys.DRIVER_CORES.get(conf)));
        validateCpu(REQUEST_CORES, cores);

        ContainerBuilder container = new ContainerBuilder()
            .withName(DRIVER_CONTAINER_NAME)
            .withImage(image(conf))
            .withImagePullPolicy(pullPolicy(conf))
            .withEnv(env(conf, sparkUser, names.appId()))
            .addNewPort().withName("driver-rpc-port").withContainerPort(ConfValues.port(conf, DRIVER_PORT,
                DEFAULT_DRIVER_PORT)).withProtocol("TCP").endPort()
            .addNewPort().withName("blockmanager").withContainerPort(ConfValues.port(conf, BLOCK_MANAGER_PORT,
                DEFAULT_BLOCK_MANAGER_PORT)).withProtocol("TCP").endPort()
            .addNewPort().withName("spark-ui").withContainerPort(ConfValues.port(conf, UI_PORT, DEFAULT_UI_PORT))
                .withProtocol("TCP").endPort()
            .withNewResources()
            .addToRequests("cpu", new Quantity(cores))
            .addToRequests("memory", new Quantity(podMemoryMiB + "Mi"))
            .addToLimits("memory", new Quantity(podMemoryMiB + "Mi"))
            .endResources();
        KubernetesKeys.DRIVER_LIMIT_CORES.find(conf).ifPresent(limit -> {
            validateCpu(KubernetesKeys.DRIVER_LIMIT_CORES.key(), limit);
            container.editResources().addToLimits("cpu", new Quantity(limit)).endResources();
        });
        Container driverContainer = container.build();

        Map<String, String> nodeSelector = new LinkedHashMap<>(conf.withPrefix(NODE_SELECTOR_PREFIX));
        nodeSelector.putAll(conf.withPrefix(DRIVER_NODE_SELECTOR_PREFIX));
        PodBuilder pod = new PodBuilder()
            .withNewMetadata().withName(names.driverPodName()).withNamespace(names.namespace()).endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
            .withImagePullSecrets(pullSecrets(conf))
            .withSchedulerName(KubernetesKeys.DRIVER_SCHEDULER_NAME.find(conf)
                .or(() -> KubernetesKeys.SCHEDULER_NAME.find(conf)).orElse(null))
            .withServiceAccountName(AuthenticationKeys.DRIVER_SERVICE_ACCOUNT_NAME.find(conf).orElse(null))
            .endSpec();
        Pod driverPod = pod.build();

        Map<String, String> driverConf = new LinkedHashMap<>();
        driverConf.put("spark.app.id", names.appId());
        // as upstream: executors size their overhead with the factor the driver used
        driverConf.put("spark.kubernetes.memoryOverheadFactor", Double.toString(factor));
        driverConf.put(DriverResourceNames.NAMESPACE_KEY, names.namespace());
        driverConf.put(DriverResourceNames.DRIVER_POD_NAME_KEY, names.driverPodName());
        driverConf.put("spark.kubernetes.submitInDriver", "true");
        driverConf.put("spark.submit.deployMode", "cluster");
        driverConf.put(DRIVER_PORT, Integer.toString(ConfValues.port(conf, DRIVER_PORT, DEFAULT_DRIVER_PORT)));
        driverConf.put(BLOCK_MANAGER_PORT, Integer.toString(ConfValues.port(conf, BLOCK_MANAGER_PORT,
            DEFAULT_BLOCK_MANAGER_PORT)));
        return spec.addToDriverPod(driverPod).addToDriverContainer(driverContainer).addToDriverSparkConf(driverConf);
    }

    private double overheadFactor(SparkConf conf) {
        // The catalogue's default factor (0.1) is for JVM applications; Python and R get 0.4 unless set.
        boolean factorSet = SparkKeys.DRIVER_MEMORY_OVERHEAD_FACTOR.source(conf).isPresent();
        return factorSet || applicationType == ApplicationType.JAVA
            ? SparkKeys.DRIVER_MEMORY_OVERHEAD_FACTOR.get(conf) : 0.4;
    }

    private static long overheadMiB(SparkConf conf, long memoryMiB, double factor) {
        Optional<Long> overhead = SparkKeys.DRIVER_MEMORY_OVERHEAD.find(conf);
        if (overhead.isPresent()) {
            return overhead.get();
        }
        long minimum = SparkKeys.DRIVER_MIN_MEMORY_OVERHEAD.get(conf);
        return Math.max((long) (factor * memoryMiB), minimum);
    }

    private static String image(SparkConf conf) {
        return KubernetesKeys.DRIVER_CONTAINER_IMAGE.find(conf).or(() -> KubernetesKeys.CONTAINER_IMAGE.find(conf))
            .filter(s -> !s.isBlank())
            .orElseThrow(() -> new SubmissionConfigurationException(IMAGE, "no container image is set; set " + IMAGE
                + " (or " + DRIVER_IMAGE + ") to a Spark image, e.g. apache/spark:3.5.1"));
    }

    private static String pullPolicy(SparkConf conf) {
        String policy = KubernetesKeys.CONTAINER_IMAGE_PULL_POLICY.get(conf);
        if (!PULL_POLICIES.contains(policy)) {
            throw new SubmissionConfigurationException(PULL_POLICY, "'" + policy + "' is not a pull policy; use one"
                + " of Always, IfNotPresent, Never");
        }
        return policy;
    }

    private static List<LocalObjectReference> pullSecrets(SparkConf conf) {
        return KubernetesKeys.CONTAINER_IMAGE_PULL_SECRETS.find(conf).orElse(List.of()).stream()
            .map(LocalObjectReference::new).toList();
    }

    private static List<EnvVar> env(SparkConf conf, String sparkUser, String appId) {
        List<EnvVar> env = new ArrayList<>();
        Map<String, String> userEnv = conf.withPrefix(DRIVER_ENV_PREFIX);
        // the user's spark.kubernetes.driverEnv.* win, as upstream
        if (!userEnv.containsKey("SPARK_USER")) {
            env.add(new EnvVarBuilder().withName("SPARK_USER").withValue(sparkUser).build());
        }
        if (!userEnv.containsKey("SPARK_APPLICATION_ID")) {
            env.add(new EnvVarBuilder().withName("SPARK_APPLICATION_ID").withValue(appId).build());
        }
        userEnv.forEach((name, value) -> {
            if (!name.matches("[-._a-zA-Z][-._a-zA-Z0-9]*")) {
                throw new SubmissionConfigurationException(DRIVER_ENV_PREFIX + name, "'" + name + "' is not a valid"
                    + " environment variable name; use letters, digits, '_', '-' and '.', not starting with a digit");
            }
            env.add(new EnvVarBuilder().withName(name).withValue(value).build());
        });
        env.add(new EnvVarBuilder().withName("SPARK_DRIVER_BIND_ADDRESS").withNewValueFrom().withNewFieldRef()
            .withApiVersion("v1").withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
        return env;
    }

    private static void validateCpu(String key, String value) {
        if (!value.matches("\\d+(\\.\\d+)?m?")) {
            throw new SubmissionConfigurationException(key, "'" + value + "' is not a CPU quantity; use e.g. 1,"
                + " 0.5 or 500m");
        }
    }
}
