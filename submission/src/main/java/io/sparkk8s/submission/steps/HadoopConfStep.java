package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Hadoop configuration for the driver, mounted at {@value #MOUNT_PATH} with {@code HADOOP_CONF_DIR}
 * pointing there: the existing ConfigMap {@code spark.kubernetes.hadoop.configMapName} if set, else
 * the files of the submitter's {@code HADOOP_CONF_DIR} copied into a new ConfigMap.
 */
public final class HadoopConfStep implements DriverConfigurationStep {

    /** Key of an existing ConfigMap holding the Hadoop configuration. */
    public static final String CONFIG_MAP_NAME = KubernetesKeys.HADOOP_CONFIG_MAP_NAME.key();
    /** Where the Hadoop configuration is mounted. */
    public static final String MOUNT_PATH = "/opt/hadoop/conf";
    private static final String VOLUME = "hadoop-properties";

    private final DriverResourceNames names;
    private final Optional<Path> localHadoopConfDir;

    /**
     * @param names the name of the ConfigMap created from a local directory
     * @param localHadoopConfDir the submitter's {@code HADOOP_CONF_DIR}, if set
     */
    public HadoopConfStep(DriverResourceNames names, Optional<Path> localHadoopConfDir) {
        this.names = names;
        this.localHadoopConfDir = localHadoopConfDir;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        Optional<String> existing = KubernetesKeys.HADOOP_CONFIG_MAP_NAME.find(spec.driverSparkConf());
        if (existing.isEmpty() && localHadoopConfDir.isEmpty()) {
            return spec;
        }
        String configMap = existing.orElse(names.resourceName("hadoop-config"));
        KubernetesDriverSpec result = spec;
        if (existing.isEmpty()) {
            result = result.withOtherResource(new ConfigMapBuilder()
                .withNewMetadata().withName(configMap).withNamespace(names.namespace()).endMetadata()
                .withData(readFiles(localHadoopConfDir.get()))
                .build());
        }
        return result
            // executors mount the same ConfigMap (upstream's key)
            .addToDriverSparkConf(Map.of("spark.kubernetes.executor.hadoopConfigMapName", configMap))
            .addToDriverPod(new PodBuilder().withNewSpec().addNewVolume().withName(VOLUME).withNewConfigMap()
                .withName(configMap).endConfigMap().endVolume().endSpec().build())
            .addToDriverContainer(new ContainerBuilder()
                .addNewVolumeMount().withName(VOLUME).withMountPath(MOUNT_PATH).endVolumeMount()
                .addNewEnv().withName("HADOOP_CONF_DIR").withValue(MOUNT_PATH).endEnv()
                .build());
    }

    private static Map<String, String> readFiles(Path dir) {
        Map<String, String> data = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    data.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new SubmissionConfigurationException("HADOOP_CONF_DIR", "cannot read the directory '" + dir
                + "' (" + e + "); point HADOOP_CONF_DIR at a readable directory of Hadoop configuration files or"
                + " set " + CONFIG_MAP_NAME);
        }
        return data;
    }
}
