package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The driver container's command, following the {@code apache/spark} image entrypoint's {@code
 * driver} contract: {@code driver --properties-file /opt/spark/conf/spark.properties --class <main>
 * <resource> <args...>}, with a {@code local://} resource passed as given (the driver's spark-submit
 * reads it) and a downloaded one as its path in the pod. Python applications run {@code
 * org.apache.spark.deploy.PythonRunner}, R applications {@code org.apache.spark.deploy.RRunner}. The
 * properties file is the ConfigMap written by {@link SparkConfConfigMapStep}, mounted at {@value
 * #SPARK_CONF_DIR}.
 */
public final class DriverCommandStep implements DriverConfigurationStep {

    /** Where the driver's properties file is mounted. */
    public static final String SPARK_CONF_DIR = "/opt/spark/conf";
    /** The properties file's name. */
    public static final String SPARK_CONF_FILE = "spark.properties";
    /** The conf volume's name. */
    public static final String SPARK_CONF_VOLUME = "spark-conf-volume-driver";

    private final SubmissionRequest request;
    private final DriverResourceNames names;

    /**
     * @param request the main class, primary resource and arguments
     * @param names the ConfigMap's name
     */
    public DriverCommandStep(SubmissionRequest request, DriverResourceNames names) {
        this.request = request;
        this.names = names;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        String resource = request.primaryResource();
        String mainClass;
        String downloadDir;
        ContainerBuilder container = new ContainerBuilder();
        switch (request.applicationType()) {
            case PYTHON -> {
                mainClass = "org.apache.spark.deploy.PythonRunner";
                downloadDir = DependencyPaths.filesDir(conf);
                conf.get("spark.pyspark.python").ifPresent(p -> container.addNewEnv().withName("PYSPARK_PYTHON")
                    .withValue(p).endEnv());
                conf.get("spark.pyspark.driver.python").or(() -> conf.get("spark.pyspark.python"))
                    .ifPresent(p -> container.addNewEnv().withName("PYSPARK_DRIVER_PYTHON").withValue(p).endEnv());
            }
            case R -> {
                mainClass = "org.apache.spark.deploy.RRunner";
                downloadDir = DependencyPaths.filesDir(conf);
            }
            default -> {
                mainClass = request.mainClass().orElseThrow(() -> new SubmissionConfigurationException("--class",
                    "a Java/Scala application (" + resource + ") needs a main class; pass --class <name>"));
                downloadDir = DependencyPaths.jarsDir(conf);
            }
        }
        List<String> args = new ArrayList<>(List.of("driver", "--properties-file",
            SPARK_CONF_DIR + "/" + SPARK_CONF_FILE, "--class", mainClass,
            DependencyPaths.kind(resource) == DependencyPaths.Kind.CONTAINER_LOCAL ? resource
                : DependencyPaths.containerPath(resource, downloadDir)));
        args.addAll(request.appArgs());
        container.withArgs(args)
            .addNewEnv().withName("SPARK_CONF_DIR").withValue(SPARK_CONF_DIR).endEnv()
            .addNewVolumeMount().withName(SPARK_CONF_VOLUME).withMountPath(SPARK_CONF_DIR).endVolumeMount();
        return spec
            // the driver's own spark-submit reads the master from the properties file
            .addToDriverSparkConf(Map.of("spark.master", KubernetesMasterUrl.PREFIX + request.master(),
                "spark.app.name", request.appName(),
                "spark.kubernetes.resource.type", request.applicationType().name().toLowerCase(Locale.ROOT)))
            .addToDriverContainer(container.build())
            .addToDriverPod(new PodBuilder().withNewSpec().addNewVolume().withName(SPARK_CONF_VOLUME)
                .withNewConfigMap().withName(names.driverConfMapName()).addNewItem().withKey(SPARK_CONF_FILE)
                .withPath(SPARK_CONF_FILE).endItem().endConfigMap().endVolume().endSpec().build());
    }
}
