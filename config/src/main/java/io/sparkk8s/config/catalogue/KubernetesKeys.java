package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.validation.CpuQuantity;
import io.sparkk8s.config.validation.KubernetesNames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Spark's {@code spark.kubernetes.*} keys: where the application runs and what its pods look like.
 * Names, types and defaults are upstream Spark's; the original design's names are deprecated
 * aliases. Labels, annotations, secrets and volumes are in {@link PodMetadataKeys}, credentials in
 * {@link AuthenticationKeys}.
 */
public final class KubernetesKeys {

    /** Longest executor pod name prefix: Spark appends {@code -exec-<id>} and a pod name is a 63-character label. */
    public static final int MAX_EXECUTOR_POD_NAME_PREFIX = 47;

    /** The namespace everything is created in. */
    public static final ConfigEntry<String> NAMESPACE = ConfigEntry.key("spark.kubernetes.namespace").string()
        .doc("The namespace the driver, its service and config maps, and the executors are created in.")
        .since("2.3.0").section(Section.KUBERNETES)
        .check(Check.of(ns -> KubernetesNames.dnsLabelProblem(ns, "namespace"))).withDefault("default");

    /** The image of the driver and executors unless they have their own. */
    public static final ConfigEntry<String> CONTAINER_IMAGE = ConfigEntry.key("spark.kubernetes.container.image")
        .string().doc("Container image of the driver and executors, e.g. apache/spark:3.5.1, unless set separately"
            + " below. Required unless both of those are set.")
        .since("2.3.0").section(Section.KUBERNETES).optional();

    /** The driver's image. */
    public static final ConfigEntry<String> DRIVER_CONTAINER_IMAGE =
        ConfigEntry.key("spark.kubernetes.driver.container.image").string()
            .doc("Container image of the driver.")
            .deprecatedAlias("spark.kubernetes.driver.docker.image")
            .since("2.3.0").section(Section.KUBERNETES).fallingBackTo(CONTAINER_IMAGE);

    /** The executors' image. */
    public static final ConfigEntry<String> EXECUTOR_CONTAINER_IMAGE =
        ConfigEntry.key("spark.kubernetes.executor.container.image").string()
            .doc("Container image of the executors.")
            .deprecatedAlias("spark.kubernetes.executor.docker.image")
            .since("2.3.0").section(Section.KUBERNETES).fallingBackTo(CONTAINER_IMAGE);

    /** When the kubelet pulls images. */
    public static final ConfigEntry<String> CONTAINER_IMAGE_PULL_POLICY =
        ConfigEntry.key("spark.kubernetes.container.image.pullPolicy").string()
            .doc("Image pull policy of every container we create: Always, IfNotPresent or Never.")
            .deprecatedAlias("spark.kubernetes.docker.image.pullPolicy")
            .since("2.3.0").section(Section.KUBERNETES)
            .check(Check.oneOf(Set.of("Always", "IfNotPresent", "Never"))).withDefault("IfNotPresent");

    /** Secrets for pulling from private registries. */
    public static final ConfigEntry<List<String>> CONTAINER_IMAGE_PULL_SECRETS =
        ConfigEntry.key("spark.kubernetes.container.image.pullSecrets").type(ValueType.list())
            .doc("Comma-separated names of secrets in the namespace used to pull images from private registries.")
            .since("2.4.0").section(Section.KUBERNETES)
            .check(Check.of(names -> names.stream()
                .map(n -> KubernetesNames.dnsSubdomainProblem(n, "secret name"))
                .flatMap(Optional::stream).findFirst()))
            .optional();

    /** The driver pod's name. */
    public static final ConfigEntry<String> DRIVER_POD_NAME = ConfigEntry.key("spark.kubernetes.driver.pod.name")
        .string().doc("Name of the driver pod; also the submission id used with --kill and --status.")
        .defaultDescription("(<resource name prefix>-driver)")
        .since("2.3.0").section(Section.KUBERNETES)
        .check(Check.of(name -> KubernetesNames.dnsSubdomainProblem(name, "pod name"))).optional();

    /** The prefix of executor pod names. */
    public static final ConfigEntry<String> EXECUTOR_POD_NAME_PREFIX =
        ConfigEntry.key("spark.kubernetes.executor.podNamePrefix").string()
            .doc("Prefix of executor pod names, followed by -exec-<id>; a DNS-1123 label of at most "
                + MAX_EXECUTOR_POD_NAME_PREFIX + " characters so that the pod names fit in 63.")
            .defaultDescription("(the resource name prefix)")
            .since("2.3.0").section(Section.KUBERNETES)
            .check(Check.of(KubernetesKeys::executorPodNamePrefixProblem)).optional();

    /** The driver's CPU request. */
    public static final ConfigEntry<String> DRIVER_REQUEST_CORES =
        ConfigEntry.key("spark.kubernetes.driver.request.cores").string()
            .doc("CPU request of the driver pod as a Kubernetes quantity (0.5, 500m, 2); overrides spark.driver.cores"
                + " for the request only.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.of(CpuQuantity::problem)).optional();

    /** The driver's CPU limit. */
    public static final ConfigEntry<String> DRIVER_LIMIT_CORES =
        ConfigEntry.key("spark.kubernetes.driver.limit.cores").string()
            .doc("CPU limit of the driver pod as a Kubernetes quantity; no limit when unset.")
            .since("2.3.0").section(Section.KUBERNETES).check(Check.of(CpuQuantity::problem)).optional();

    /** Each executor's CPU request. */
    public static final ConfigEntry<String> EXECUTOR_REQUEST_CORES =
        ConfigEntry.key("spark.kubernetes.executor.request.cores").string()
            .doc("CPU request of each executor pod as a Kubernetes quantity; overrides spark.executor.cores for the"
                + " request only.")
            .since("2.4.0").section(Section.KUBERNETES).check(Check.of(CpuQuantity::problem)).optional();

    /** Each executor's CPU limit. */
    public static final ConfigEntry<String> EXECUTOR_LIMIT_CORES =
        ConfigEntry.key("spark.kubernetes.executor.limit.cores").string()
            .doc("CPU limit of each executor pod as a Kubernetes quantity; no limit when unset.")
            .since("2.3.0").section(Section.KUBERNETES).check(Check.of(CpuQuantity::problem)).optional();

    /** A pod template for the driver. */
    public static final ConfigEntry<String> DRIVER_POD_TEMPLATE_FILE =
        ConfigEntry.key("spark.kubernetes.driver.podTemplateFile").string()
            .doc("YAML file of a pod the driver pod is built on (local, or a remote URI such as s3a://); what Spark"
                + " sets itself overrides the template.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.readableFileUnlessRemote()).optional();

    /** A pod template for the executors. */
    public static final ConfigEntry<String> EXECUTOR_POD_TEMPLATE_FILE =
        ConfigEntry.key("spark.kubernetes.executor.podTemplateFile").string()
            .doc("YAML file of a pod the executor pods are built on (local, or a remote URI); it is shipped to the"
                + " driver in a config map. When the submission has dependencies to localize, the dependency"
                + " init-container and its volumes are merged into it (or make up the whole template when none is"
                + " given), so executors localize the same files as the driver.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.readableFileUnlessRemote()).optional();

    /** Which container of the driver template is the driver. */
    public static final ConfigEntry<String> DRIVER_POD_TEMPLATE_CONTAINER_NAME =
        ConfigEntry.key("spark.kubernetes.driver.podTemplateContainerName").string()
            .doc("Name of the container of the driver pod template that becomes the driver container.")
            .defaultDescription("(the first container)")
            .since("3.0.0").section(Section.KUBERNETES).optional();

    /** Which container of the executor template is the executor. */
    public static final ConfigEntry<String> EXECUTOR_POD_TEMPLATE_CONTAINER_NAME =
        ConfigEntry.key("spark.kubernetes.executor.podTemplateContainerName").string()
            .doc("Name of the container of the executor pod template that becomes the executor container.")
            .defaultDescription("(the first container)")
            .since("3.0.0").section(Section.KUBERNETES).optional();

    /** Whether submit waits for the application to end. */
    public static final ConfigEntry<Boolean> WAIT_APP_COMPLETION =
        ConfigEntry.key("spark.kubernetes.submission.waitAppCompletion").type(ValueType.bool())
            .doc("Whether submit waits for the application to finish, reporting the driver's status, or returns once"
                + " the driver pod is created.")
            .deprecatedAlias("spark.kubernetes.submit.waitAppCompletion")
            .since("2.3.0").section(Section.KUBERNETES).withDefault("true");

    /** How often the status is reported while waiting. */
    public static final ConfigEntry<Duration> REPORT_INTERVAL =
        ConfigEntry.key("spark.kubernetes.report.interval").type(ValueType.duration(TimeUnit.MILLISECONDS))
            .doc("How often the driver's status is reported while waiting for the application (ms when no unit is"
                + " given).")
            .since("2.3.0").section(Section.KUBERNETES).check(Check.positiveDuration()).withDefault("1s");

    /** Connect timeout of the submission client. */
    public static final ConfigEntry<Integer> SUBMISSION_CONNECTION_TIMEOUT =
        ConfigEntry.key("spark.kubernetes.submission.connectionTimeout").type(ValueType.integer())
            .doc("Connect timeout in milliseconds of the submission client's API server connections.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.positive()).withDefault("10000");

    /** Request timeout of the submission client. */
    public static final ConfigEntry<Integer> SUBMISSION_REQUEST_TIMEOUT =
        ConfigEntry.key("spark.kubernetes.submission.requestTimeout").type(ValueType.integer())
            .doc("Request timeout in milliseconds of the submission client's API server requests.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.positive()).withDefault("10000");

    /** Grace period of a kill. */
    public static final ConfigEntry<Duration> APP_KILL_GRACE_PERIOD =
        ConfigEntry.key("spark.kubernetes.appKillPodDeletionGracePeriod").type(ValueType.duration(TimeUnit.SECONDS))
            .doc("Grace period given to the driver pod when it is deleted by --kill (s when no unit is given).")
            .defaultDescription("(the pod's own grace period)")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.nonNegativeDuration()).optional();

    /** Scratch space in memory. */
    public static final ConfigEntry<Boolean> LOCAL_DIRS_TMPFS =
        ConfigEntry.key("spark.kubernetes.local.dirs.tmpfs").type(ValueType.bool())
            .doc("Whether Spark's scratch emptyDir volumes are RAM-backed (tmpfs); their use then counts as pod"
                + " memory.")
            .since("3.0.0").section(Section.KUBERNETES).withDefault("false");

    /** A config map with the Hadoop configuration. */
    public static final ConfigEntry<String> HADOOP_CONFIG_MAP_NAME =
        ConfigEntry.key("spark.kubernetes.hadoop.configMapName").string()
            .doc("Config map holding the Hadoop configuration files, mounted in the driver and executors.")
            .since("3.0.0").section(Section.KUBERNETES)
            .check(Check.of(n -> KubernetesNames.dnsSubdomainProblem(n, "config map name"))).optional();

    /** A local krb5.conf. */
    public static final ConfigEntry<String> KERBEROS_KRB5_PATH =
        ConfigEntry.key("spark.kubernetes.kerberos.krb5.path").string()
            .doc("Local krb5.conf shipped to the driver and executors for Kerberos.")
            .since("3.0.0").section(Section.KUBERNETES).check(Check.readableFile()).optional();

    /** A config map with krb5.conf. */
    public static final ConfigEntry<String> KERBEROS_KRB5_CONFIG_MAP_NAME =
        ConfigEntry.key("spark.kubernetes.kerberos.krb5.configMapName").string()
            .doc("Config map holding krb5.conf, instead of spark.kubernetes.kerberos.krb5.path.")
            .since("3.0.0").section(Section.KUBERNETES)
            .check(Check.of(n -> KubernetesNames.dnsSubdomainProblem(n, "config map name"))).optional();

    /** A secret with delegation tokens. */
    public static final ConfigEntry<String> KERBEROS_TOKEN_SECRET_NAME =
        ConfigEntry.key("spark.kubernetes.kerberos.tokenSecret.name").string()
            .doc("Secret holding existing Hadoop delegation tokens, instead of logging in with a keytab.")
            .since("3.0.0").section(Section.KUBERNETES)
            .check(Check.of(n -> KubernetesNames.dnsSubdomainProblem(n, "secret name"))).optional();

    /** The item of the token secret. */
    public static final ConfigEntry<String> KERBEROS_TOKEN_SECRET_ITEM_KEY =
        ConfigEntry.key("spark.kubernetes.kerberos.tokenSecret.itemKey").string()
            .doc("Item of spark.kubernetes.kerberos.tokenSecret.name that holds the tokens.")
            .since("3.0.0").section(Section.KUBERNETES).optional();

    /** The scheduler of all pods. */
    public static final ConfigEntry<String> SCHEDULER_NAME = ConfigEntry.key("spark.kubernetes.scheduler.name")
        .string().doc("Scheduler of the driver and executor pods, e.g. volcano or yunikorn.")
        .since("3.3.0").section(Section.KUBERNETES).optional();

    /** The driver's scheduler. */
    public static final ConfigEntry<String> DRIVER_SCHEDULER_NAME =
        ConfigEntry.key("spark.kubernetes.driver.scheduler.name").string()
            .doc("Scheduler of the driver pod.").since("3.3.0").section(Section.KUBERNETES)
            .fallingBackTo(SCHEDULER_NAME);

    /** The executors' scheduler. */
    public static final ConfigEntry<String> EXECUTOR_SCHEDULER_NAME =
        ConfigEntry.key("spark.kubernetes.executor.scheduler.name").string()
            .doc("Scheduler of the executor pods.").since("3.0.0").section(Section.KUBERNETES)
            .fallingBackTo(SCHEDULER_NAME);

    /** Whether the driver deletes its service when it ends. */
    public static final ConfigEntry<Boolean> DRIVER_SERVICE_DELETE_ON_TERMINATION =
        ConfigEntry.key("spark.kubernetes.driver.service.deleteOnTermination").type(ValueType.bool())
            .doc("Whether the driver deletes its service when the application ends.")
            .since("3.2.0").section(Section.KUBERNETES).withDefault("true");

    /** IP family policy of the driver service. */
    public static final ConfigEntry<String> DRIVER_SERVICE_IP_FAMILY_POLICY =
        ConfigEntry.key("spark.kubernetes.driver.service.ipFamilyPolicy").string()
            .doc("IP family policy of the driver service: SingleStack, PreferDualStack or RequireDualStack.")
            .since("3.4.0").section(Section.KUBERNETES)
            .check(Check.oneOf(Set.of("SingleStack", "PreferDualStack", "RequireDualStack")))
            .withDefault("SingleStack");

    /** IP families of the driver service. */
    public static final ConfigEntry<String> DRIVER_SERVICE_IP_FAMILIES =
        ConfigEntry.key("spark.kubernetes.driver.service.ipFamilies").string()
            .doc("IP families of the driver service: IPv4, IPv6, IPv4,IPv6 or IPv6,IPv4.")
            .since("3.4.0").section(Section.KUBERNETES)
            .check(Check.oneOf(Set.of("IPv4", "IPv6", "IPv4,IPv6", "IPv6,IPv4"))).withDefault("IPv4");

    /** API server URL the driver uses. */
    public static final ConfigEntry<String> DRIVER_MASTER = ConfigEntry.key("spark.kubernetes.driver.master")
        .string().doc("API server URL the driver uses to create executors, from inside the cluster.")
        .since("3.0.0").section(Section.KUBERNETES).withDefault("https://kubernetes.default.svc");

    /** Kubeconfig context. */
    public static final ConfigEntry<String> CONTEXT = ConfigEntry.key("spark.kubernetes.context").string()
        .doc("Context of the user's kubeconfig to take credentials and defaults from.")
        .defaultDescription("(the current context)")
        .since("3.0.0").section(Section.KUBERNETES).optional();

    /** Where Spark uploads local files itself. */
    public static final ConfigEntry<String> FILE_UPLOAD_PATH = ConfigEntry.key("spark.kubernetes.file.upload.path")
        .string().doc("Hadoop-compatible path where Spark's own submission uploads local dependencies. This tool"
            + " uses the resource staging server instead; the key is passed on to Spark.")
        .since("3.0.0").section(Section.KUBERNETES).optional();

    /** Whether executor pods are deleted when they end. */
    public static final ConfigEntry<Boolean> EXECUTOR_DELETE_ON_TERMINATION =
        ConfigEntry.key("spark.kubernetes.executor.deleteOnTermination").type(ValueType.bool())
            .doc("Whether executor pods are deleted when they end (keep them to read their logs).")
            .since("3.0.0").section(Section.KUBERNETES).withDefault("true");

    /** Executors requested per round. */
    public static final ConfigEntry<Integer> ALLOCATION_BATCH_SIZE =
        ConfigEntry.key("spark.kubernetes.allocation.batch.size").type(ValueType.integer())
            .doc("Executor pods the driver creates per allocation round (Spark 3.x defaults to 5).")
            .since("2.3.0").section(Section.KUBERNETES).check(Check.positive()).withDefault("10");

    /** Time between allocation rounds. */
    public static final ConfigEntry<Duration> ALLOCATION_BATCH_DELAY =
        ConfigEntry.key("spark.kubernetes.allocation.batch.delay").type(ValueType.duration(TimeUnit.MILLISECONDS))
            .doc("Time between executor allocation rounds (ms when no unit is given; Spark 4 refuses less than"
                + " 100ms).")
            .since("2.3.0").section(Section.KUBERNETES).check(Check.positiveDuration()).withDefault("1s");

    /** Largest config map Spark writes. */
    public static final ConfigEntry<Long> CONFIG_MAP_MAX_SIZE =
        ConfigEntry.key("spark.kubernetes.configMap.maxSize").type(ValueType.longInteger())
            .doc("Largest config map, in bytes, written for the driver's configuration files.")
            .since("3.1.0").section(Section.KUBERNETES).check(Check.positive()).withDefault("1572864");

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(NAMESPACE, CONTAINER_IMAGE, DRIVER_CONTAINER_IMAGE,
        EXECUTOR_CONTAINER_IMAGE, CONTAINER_IMAGE_PULL_POLICY, CONTAINER_IMAGE_PULL_SECRETS, DRIVER_POD_NAME,
        EXECUTOR_POD_NAME_PREFIX, DRIVER_REQUEST_CORES, DRIVER_LIMIT_CORES, EXECUTOR_REQUEST_CORES,
        EXECUTOR_LIMIT_CORES, DRIVER_POD_TEMPLATE_FILE, EXECUTOR_POD_TEMPLATE_FILE, DRIVER_POD_TEMPLATE_CONTAINER_NAME,
        EXECUTOR_POD_TEMPLATE_CONTAINER_NAME, WAIT_APP_COMPLETION, REPORT_INTERVAL, SUBMISSION_CONNECTION_TIMEOUT,
        SUBMISSION_REQUEST_TIMEOUT, APP_KILL_GRACE_PERIOD, LOCAL_DIRS_TMPFS, HADOOP_CONFIG_MAP_NAME,
        KERBEROS_KRB5_PATH, KERBEROS_KRB5_CONFIG_MAP_NAME, KERBEROS_TOKEN_SECRET_NAME, KERBEROS_TOKEN_SECRET_ITEM_KEY,
        SCHEDULER_NAME, DRIVER_SCHEDULER_NAME, EXECUTOR_SCHEDULER_NAME, DRIVER_SERVICE_DELETE_ON_TERMINATION,
        DRIVER_SERVICE_IP_FAMILY_POLICY, DRIVER_SERVICE_IP_FAMILIES, DRIVER_MASTER, CONTEXT, FILE_UPLOAD_PATH,
        EXECUTOR_DELETE_ON_TERMINATION, ALLOCATION_BATCH_SIZE, ALLOCATION_BATCH_DELAY, CONFIG_MAP_MAX_SIZE);

    private KubernetesKeys() {
    }

    private static Optional<String> executorPodNamePrefixProblem(String prefix) {
        if (prefix.length() > MAX_EXECUTOR_POD_NAME_PREFIX) {
            return Optional.of("'" + prefix + "' is " + prefix.length() + " characters long; executor pod names are"
                + " <prefix>-exec-<id> and must fit in 63 characters, so the prefix has at most "
                + MAX_EXECUTOR_POD_NAME_PREFIX);
        }
        return KubernetesNames.dnsLabelProblem(prefix, "executor pod name prefix");
    }
}
