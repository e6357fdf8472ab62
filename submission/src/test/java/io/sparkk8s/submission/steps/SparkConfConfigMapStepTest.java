package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SparkConfConfigMapStepTest {

    @Test
    void writesTheConfAsAPropertiesFileThatJavaReadsBackExactly() throws IOException {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.app.name", "pi: the = \"best\" #1 ünïcode",
            "spark.driver.extraJavaOptions", " -Dx=1\t-Dy=2\\",
            "spark.kubernetes.namespace", "jobs"));
        DriverResourceNames names = DriverResourceNames.of("spark-1", "pi", conf);

        KubernetesDriverSpec spec = new SparkConfConfigMapStep(names)
            .configureDriver(KubernetesDriverSpec.initial(conf));

        ConfigMap map = (ConfigMap) spec.otherKubernetesResources().get(0);
        assertThat(map.getMetadata().getName()).isEqualTo(names.driverConfMapName());
        Properties read = new Properties();
        read.load(new StringReader(map.getData().get("spark.properties")));
        assertThat(read).containsExactlyInAnyOrderEntriesOf(Map.copyOf(conf.asMap()));
    }

    @Test
    void leavesSecretsOutOfTheConfigMap() throws IOException {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.authenticate.submission.oauthToken", "client-token",
            "spark.kubernetes.authenticate.driver.oauthToken", "driver-token",
            "spark.kubernetes.authenticate.driver.mounted.oauthTokenFile", "/mnt/t",
            "spark.app.name", "pi"));

        String rendered = SparkConfConfigMapStep.render(conf);

        Properties read = new Properties();
        read.load(new StringReader(rendered));
        assertThat(read).containsOnlyKeys("spark.app.name",
            "spark.kubernetes.authenticate.driver.mounted.oauthTokenFile");
        assertThat(rendered).doesNotContain("token\n").doesNotContain("client-token").doesNotContain("driver-token");
    }
}
