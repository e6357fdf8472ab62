package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch space for the driver: {@code SPARK_LOCAL_DIRS} pointing at emptyDir volumes, one per
 * directory of {@code spark.local.dir} (default one, {@value #DEFAULT_DIR}), in memory when {@code
 * spark.kubernetes.local.dirs.tmpfs=true}. When the user declares volumes named {@code
 * spark-local-dir-*} (see {@link DriverVolumesStep}) their mount paths are used instead and no volume
 * is added.
 */
public final class LocalDirsStep implements DriverConfigurationStep {

    /** The default local dir. */
    public static final String DEFAULT_DIR = "/var/data/spark-local-dir-1";
    private static final String VOLUME_PREFIX = "spark-local-dir-";

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        List<String> userDirs = new ArrayList<>();
        DriverVolumesStep.declaredVolumes(conf).forEach((name, type) -> {
            if (name.startsWith(VOLUME_PREFIX)) {
                conf.get(DriverVolumesStep.PREFIX + type + "." + name + ".mount.path").ifPresent(userDirs::add);
            }
        });
        ContainerBuilder container = new ContainerBuilder();
        if (!userDirs.isEmpty()) {
            container.addNewEnv().withName("SPARK_LOCAL_DIRS").withValue(String.join(",", userDirs)).endEnv();
            return spec.addToDriverContainer(container.build());
        }
        List<String> dirs = ConfValues.list(conf, "spark.local.dir");
        if (dirs.isEmpty()) {
            dirs = List.of(DEFAULT_DIR);
        }
        boolean tmpfs = KubernetesKeys.LOCAL_DIRS_TMPFS.get(conf);
        PodBuilder pod = new PodBuilder().withNewSpec().endSpec();
        for (int i = 0; i < dirs.size(); i++) {
            String volume = VOLUME_PREFIX + (i + 1);
            pod.editSpec().addNewVolume().withName(volume).withNewEmptyDir().withMedium(tmpfs ? "Memory" : null)
                .endEmptyDir().endVolume().endSpec();
            container.addNewVolumeMount().withName(volume).withMountPath(dirs.get(i)).endVolumeMount();
        }
        container.addNewEnv().withName("SPARK_LOCAL_DIRS").withValue(String.join(",", dirs)).endEnv();
        return spec.addToDriverPod(pod.build()).addToDriverContainer(container.build());
    }
}
