package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverSecretsAndEnvStepsTest {

    @Test
    void mountsEachUserSecretAtItsPath() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.driver.secrets.db", "/etc/db",
            "spark.kubernetes.driver.secrets.tls", "/etc/tls"));

        KubernetesDriverSpec spec = new DriverSecretsStep().configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(spec.driverPod().getSpec().getVolumes()).extracting(v -> v.getName() + "<-"
            + v.getSecret().getSecretName()).containsExactly("db-volume<-db", "tls-volume<-tls");
        assertThat(spec.driverContainer().getVolumeMounts()).extracting(m -> m.getName() + "@" + m.getMountPath())
            .containsExactly("db-volume@/etc/db", "tls-volume@/etc/tls");
    }

    @Test
    void setsEnvironmentFromSecretKeys() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.driver.secretKeyRef.DB_PASS", "db:password"));

        KubernetesDriverSpec spec = new DriverSecretEnvStep().configureDriver(KubernetesDriverSpec.initial(conf));

        assertThat(spec.driverContainer().getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("DB_PASS");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        });
    }

    @Test
    void rejectsMalformedReferencesAndRelativePaths() {
        SparkConf badRef = SparkConf.of(Map.of("spark.kubernetes.driver.secretKeyRef.X", "no-key"));
        SparkConf badPath = SparkConf.of(Map.of("spark.kubernetes.driver.secrets.db", "etc/db"));

        assertThatThrownBy(() -> new DriverSecretEnvStep().configureDriver(KubernetesDriverSpec.initial(badRef)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.driver.secretKeyRef.X: 'no-key'");
        assertThatThrownBy(() -> new DriverSecretsStep().configureDriver(KubernetesDriverSpec.initial(badPath)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.driver.secrets.db: 'etc/db'");
    }
}
