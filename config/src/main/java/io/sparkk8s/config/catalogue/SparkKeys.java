package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.units.ByteUnit;
import java.util.List;
import java.util.Set;

/**
 * Spark's own keys that a submission sets or reads: the ones spark-submit's options map to, and the
 * driver's resources. Their names, types, defaults and units are Spark's.
 */
public final class SparkKeys {

    /** {@code --master}. */
    public static final ConfigEntry<String> MASTER = ConfigEntry.key("spark.master").string()
        .doc("The cluster manager to submit to [--master]. Only k8s:// URLs are accepted: k8s://host:port (https),"
            + " k8s://https://host:port or k8s://http://host:port.")
        .since("0.9.0").section(Section.APPLICATION).optional();

    /** {@code --deploy-mode}. */
    public static final ConfigEntry<String> DEPLOY_MODE = ConfigEntry.key("spark.submit.deployMode").string()
        .doc("Where the driver runs [--deploy-mode]. Only cluster is supported: the driver runs in a pod. Client mode"
            + " needs the driver in the submitting process, which is spark-submit's job, not this tool's.")
        .since("1.5.0").section(Section.APPLICATION)
        .check(Check.oneOf(Set.of("cluster"))).withDefault("cluster");

    /** {@code --name}. */
    public static final ConfigEntry<String> APP_NAME = ConfigEntry.key("spark.app.name").string()
        .doc("The application's name [--name]; it also starts the names of the Kubernetes objects created for it.")
        .defaultDescription("(main class, else file name of the primary resource)")
        .since("0.9.0").section(Section.APPLICATION).optional();

    /** {@code --driver-memory}, in MiB. */
    public static final ConfigEntry<Long> DRIVER_MEMORY = ConfigEntry.key("spark.driver.memory")
        .type(ValueType.bytes(ByteUnit.MiB))
        .doc("Heap size of the driver JVM [--driver-memory], e.g. 512m or 2g (MiB when no unit is given). The driver"
            + " pod's memory request and limit are this plus the memory overhead.")
        .since("1.1.1").section(Section.APPLICATION).check(Check.positive()).withDefault("1g");

    /** {@code --driver-cores}. */
    public static final ConfigEntry<Integer> DRIVER_CORES = ConfigEntry.key("spark.driver.cores")
        .type(ValueType.integer())
        .doc("Cores of the driver [--driver-cores]: the driver's parallelism, and its pod's CPU request unless"
            + " spark.kubernetes.driver.request.cores is set.")
        .since("1.3.0").section(Section.APPLICATION).check(Check.positive()).withDefault("1");

    /** Non-heap memory of the driver pod, in MiB. */
    public static final ConfigEntry<Long> DRIVER_MEMORY_OVERHEAD = ConfigEntry.key("spark.driver.memoryOverhead")
        .type(ValueType.bytes(ByteUnit.MiB))
        .doc("Memory added to spark.driver.memory for the driver pod: off-heap use, thread stacks, native libraries,"
            + " Python or R processes (MiB when no unit is given).")
        .defaultDescription("max(spark.driver.memoryOverheadFactor * spark.driver.memory,"
            + " spark.driver.minMemoryOverhead)")
        .deprecatedAlias("spark.kubernetes.driver.memoryOverhead")
        .since("2.3.0").section(Section.APPLICATION).check(Check.nonNegative()).optional();

    /** The fraction of driver memory added as overhead when no overhead is set. */
    public static final ConfigEntry<Double> DRIVER_MEMORY_OVERHEAD_FACTOR =
        ConfigEntry.key("spark.driver.memoryOverheadFactor").type(ValueType.decimal())
            .doc("Fraction of spark.driver.memory added as memory overhead when spark.driver.memoryOverhead is not"
                + " set.")
            .deprecatedAlias("spark.kubernetes.memoryOverheadFactor")
            .since("3.3.0").section(Section.APPLICATION).check(Check.positive()).withDefault("0.1");

    /** The least memory overhead of the driver pod, in MiB. */
    public static final ConfigEntry<Long> DRIVER_MIN_MEMORY_OVERHEAD =
        ConfigEntry.key("spark.driver.minMemoryOverhead").type(ValueType.bytes(ByteUnit.MiB))
            .doc("The smallest memory overhead of the driver pod when it is computed from the factor.")
            .since("4.0.0").section(Section.APPLICATION).check(Check.nonNegative()).withDefault("384m");

    /** {@code --driver-java-options}. */
    public static final ConfigEntry<String> DRIVER_JAVA_OPTIONS = ConfigEntry.key("spark.driver.extraJavaOptions")
        .string().doc("JVM options of the driver [--driver-java-options], e.g. -XX:+UseG1GC. Not for -Xmx: use"
            + " spark.driver.memory.")
        .since("1.0.0").section(Section.APPLICATION).optional();

    /** {@code --driver-class-path}. */
    public static final ConfigEntry<String> DRIVER_CLASS_PATH = ConfigEntry.key("spark.driver.extraClassPath")
        .string().doc("Entries put in front of the driver's class path [--driver-class-path], as paths inside the"
            + " driver container.")
        .since("1.0.0").section(Section.APPLICATION).optional();

    /** {@code --driver-library-path}. */
    public static final ConfigEntry<String> DRIVER_LIBRARY_PATH = ConfigEntry.key("spark.driver.extraLibraryPath")
        .string().doc("Native library path of the driver JVM [--driver-library-path].")
        .since("1.0.0").section(Section.APPLICATION).optional();

    /** {@code --executor-memory}, in MiB. */
    public static final ConfigEntry<Long> EXECUTOR_MEMORY = ConfigEntry.key("spark.executor.memory")
        .type(ValueType.bytes(ByteUnit.MiB))
        .doc("Heap size of each executor JVM [--executor-memory] (MiB when no unit is given).")
        .since("0.7.0").section(Section.APPLICATION).check(Check.positive()).withDefault("1g");

    /** {@code --executor-cores}. */
    public static final ConfigEntry<Integer> EXECUTOR_CORES = ConfigEntry.key("spark.executor.cores")
        .type(ValueType.integer())
        .doc("Task slots of each executor [--executor-cores].")
        .since("1.0.0").section(Section.APPLICATION).check(Check.positive()).withDefault("1");

    /** {@code --num-executors}. */
    public static final ConfigEntry<Integer> EXECUTOR_INSTANCES = ConfigEntry.key("spark.executor.instances")
        .type(ValueType.integer())
        .doc("How many executors to start [--num-executors] (Spark on Kubernetes starts 2 when unset, unless"
            + " dynamic allocation decides).")
        .since("1.0.0").section(Section.APPLICATION).check(Check.nonNegative()).optional();

    /** Non-heap memory of each executor pod, in MiB. */
    public static final ConfigEntry<Long> EXECUTOR_MEMORY_OVERHEAD = ConfigEntry.key("spark.executor.memoryOverhead")
        .type(ValueType.bytes(ByteUnit.MiB))
        .doc("Memory added to spark.executor.memory for each executor pod (MiB when no unit is given).")
        .defaultDescription("max(spark.executor.memoryOverheadFactor * spark.executor.memory,"
            + " spark.executor.minMemoryOverhead)")
        .deprecatedAlias("spark.kubernetes.executor.memoryOverhead")
        .since("2.3.0").section(Section.APPLICATION).check(Check.nonNegative()).optional();

    /** The fraction of executor memory added as overhead when no overhead is set. */
    public static final ConfigEntry<Double> EXECUTOR_MEMORY_OVERHEAD_FACTOR =
        ConfigEntry.key("spark.executor.memoryOverheadFactor").type(ValueType.decimal())
            .doc("Fraction of spark.executor.memory added as memory overhead when spark.executor.memoryOverhead is"
                + " not set.")
            .deprecatedAlias("spark.kubernetes.memoryOverheadFactor")
            .since("3.3.0").section(Section.APPLICATION).check(Check.positive()).withDefault("0.1");

    /** The least memory overhead of each executor pod, in MiB. */
    public static final ConfigEntry<Long> EXECUTOR_MIN_MEMORY_OVERHEAD =
        ConfigEntry.key("spark.executor.minMemoryOverhead").type(ValueType.bytes(ByteUnit.MiB))
            .doc("The smallest memory overhead of each executor pod when it is computed from the factor.")
            .since("4.0.0").section(Section.APPLICATION).check(Check.nonNegative()).withDefault("384m");

    /** {@code --total-executor-cores}. */
    public static final ConfigEntry<Integer> CORES_MAX = ConfigEntry.key("spark.cores.max").type(ValueType.integer())
        .doc("Most cores the application may use across all executors [--total-executor-cores].")
        .since("0.6.0").section(Section.APPLICATION).check(Check.positive()).optional();

    /** {@code --jars}. */
    public static final ConfigEntry<List<String>> JARS = ConfigEntry.key("spark.jars").type(ValueType.list())
        .doc("Jars for the driver and executor class paths [--jars], comma-separated. local:// means already in the"
            + " image; file:// and bare paths are uploaded to the resource staging server; http(s)://, hdfs://,"
            + " s3a:// are downloaded by the init-container.")
        .since("0.9.0").section(Section.APPLICATION).optional();

    /** {@code --files}. */
    public static final ConfigEntry<List<String>> FILES = ConfigEntry.key("spark.files").type(ValueType.list())
        .doc("Files put in the working directory of the driver and executors [--files], comma-separated, same"
            + " schemes as spark.jars.")
        .since("1.0.0").section(Section.APPLICATION).optional();

    /** {@code --py-files}. */
    public static final ConfigEntry<List<String>> PY_FILES = ConfigEntry.key("spark.submit.pyFiles")
        .type(ValueType.list())
        .doc(".zip, .egg or .py files put on the PYTHONPATH of a Python application [--py-files], comma-separated.")
        .since("1.0.1").section(Section.APPLICATION).optional();

    /** {@code --archives}. */
    public static final ConfigEntry<List<String>> ARCHIVES = ConfigEntry.key("spark.archives").type(ValueType.list())
        .doc("Archives unpacked in the working directory of the driver and executors [--archives], comma-separated;"
            + " a #name suffix picks the directory name.")
        .since("3.1.0").section(Section.APPLICATION).optional();

    /** {@code --packages}. */
    public static final ConfigEntry<List<String>> PACKAGES = ConfigEntry.key("spark.jars.packages")
        .type(ValueType.list())
        .doc("Maven coordinates groupId:artifactId:version of jars to resolve [--packages]; resolved by Spark in the"
            + " driver pod.")
        .since("1.5.0").section(Section.APPLICATION).optional();

    /** {@code --exclude-packages}. */
    public static final ConfigEntry<List<String>> EXCLUDE_PACKAGES = ConfigEntry.key("spark.jars.excludes")
        .type(ValueType.list())
        .doc("groupId:artifactId pairs left out when resolving spark.jars.packages [--exclude-packages].")
        .since("1.5.0").section(Section.APPLICATION).optional();

    /** {@code --repositories}. */
    public static final ConfigEntry<List<String>> REPOSITORIES = ConfigEntry.key("spark.jars.repositories")
        .type(ValueType.list())
        .doc("Extra Maven repositories to resolve spark.jars.packages from [--repositories].")
        .since("2.1.0").section(Section.APPLICATION).optional();

    /** {@code --principal}. */
    public static final ConfigEntry<String> KERBEROS_PRINCIPAL = ConfigEntry.key("spark.kerberos.principal")
        .string().doc("Kerberos principal to log in as for secure HDFS [--principal].")
        .since("3.0.0").section(Section.APPLICATION).optional();

    /** {@code --keytab}. */
    public static final ConfigEntry<String> KERBEROS_KEYTAB = ConfigEntry.key("spark.kerberos.keytab")
        .string().doc("Keytab of spark.kerberos.principal [--keytab].")
        .since("3.0.0").section(Section.APPLICATION).optional();

    /** {@code --supervise}. */
    public static final ConfigEntry<Boolean> DRIVER_SUPERVISE = ConfigEntry.key("spark.driver.supervise")
        .type(ValueType.bool())
        .doc("Restart the driver when it fails [--supervise]. Standalone-mode only: accepted and ignored on"
            + " Kubernetes (use a controller that restarts the application instead).")
        .since("1.3.0").section(Section.APPLICATION).withDefault("false");

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(MASTER, DEPLOY_MODE, APP_NAME, DRIVER_MEMORY,
        DRIVER_CORES, DRIVER_MEMORY_OVERHEAD, DRIVER_MEMORY_OVERHEAD_FACTOR, DRIVER_MIN_MEMORY_OVERHEAD,
        DRIVER_JAVA_OPTIONS, DRIVER_CLASS_PATH, DRIVER_LIBRARY_PATH, EXECUTOR_MEMORY, EXECUTOR_CORES,
        EXECUTOR_INSTANCES, EXECUTOR_MEMORY_OVERHEAD, EXECUTOR_MEMORY_OVERHEAD_FACTOR, EXECUTOR_MIN_MEMORY_OVERHEAD,
        CORES_MAX, JARS, FILES, PY_FILES, ARCHIVES, PACKAGES, EXCLUDE_PACKAGES, REPOSITORIES, KERBEROS_PRINCIPAL,
        KERBEROS_KEYTAB, DRIVER_SUPERVISE);

    private SparkKeys() {
    }
}
