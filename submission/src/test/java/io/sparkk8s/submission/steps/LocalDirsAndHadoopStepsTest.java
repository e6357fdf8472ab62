package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirsAndHadoopStepsTest {

    @TempDir
    Path dir;

    @Test
    void localDirsAreEmptyDirVolumesInMemoryWhenAsked() {
        SparkConf conf = SparkConf.of(Map.of("spark.local.dir", "/tmp/a,/tmp/b",
            "spark.kubernetes.local.dirs.tmpfs", "true"));

        KubernetesDriverSpec spec = new LocalDirsStep().configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(spec.driverPod().getSpec().getVolumes()).extracting(v -> v.getName() + ":"
            + v.getEmptyDir().getMedium()).containsExactly("spark-local-dir-1:Memory", "spark-local-dir-2:Memory");
        assertThat(spec.driverContainer().getEnv()).singleElement()
            .satisfies(e -> assertThat(e.getValue()).isEqualTo("/tmp/a,/tmp/b"));
    }

    @Test
    void userVolumesNamedAsLocalDirsAreUsedInsteadOfNewOnes() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.mount.path", "/fast-disk"));

        KubernetesDriverSpec spec = new LocalDirsStep().configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(spec.driverPod().getSpec()).isNull();
        assertThat(spec.driverContainer().getEnv()).singleElement()
            .satisfies(e -> assertThat(e.getValue()).isEqualTo("/fast-disk"));
    }

    @Test
    void hadoopConfDirIsCopiedIntoAConfigMapAndMounted() throws IOException {
        Files.writeString(dir.resolve("core-site.xml"), "<configuration/>");
        Files.writeString(dir.resolve("hdfs-site.xml"), "<configuration></configuration>");
        SparkConf conf = SparkConf.empty();
        DriverResourceNames names = DriverResourceNames.of("spark-1", "pi", conf);

        KubernetesDriverSpec spec = new HadoopConfStep(names, Optional.of(dir))
            .configureDriver(KubernetesDriverSpec.initial(conf));

        ConfigMap map = (ConfigMap) spec.otherKubernetesResources().get(0);
        assertThat(map.getData()).containsOnlyKeys("core-site.xml", "hdfs-site.xml");
        assertThat(spec.driverContainer().getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
            .containsExactly("HADOOP_CONF_DIR=/opt/hadoop/conf");
        assertThat(spec.driverPod().getSpec().getVolumes().get(0).getConfigMap().getName())
            .isEqualTo(map.getMetadata().getName());
        assertThat(spec.driverSparkConf().get("spark.kubernetes.executor.hadoopConfigMapName"))
            .contains(map.getMetadata().getName());
    }

    @Test
    void anExistingHadoopConfigMapIsMountedWithoutCreatingOne() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.hadoop.configMapName", "hadoop-site"));

        KubernetesDriverSpec spec = new HadoopConfStep(DriverResourceNames.of("spark-1", "pi", conf),
            Optional.of(dir)).configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(spec.otherKubernetesResources()).isEmpty();
        assertThat(spec.driverPod().getSpec().getVolumes().get(0).getConfigMap().getName()).isEqualTo("hadoop-site");
    }
}
