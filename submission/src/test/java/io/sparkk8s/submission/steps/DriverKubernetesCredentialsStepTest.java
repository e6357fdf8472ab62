package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverKubernetesCredentialsStepTest {

    @TempDir
    Path dir;

    @Test
    void copiesLocalCredentialFilesIntoAMountedSecretAndPointsTheDriverAtThem() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "CA");
        Path key = Files.writeString(dir.resolve("client.key"), "KEY");
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.authenticate.driver.caCertFile", ca.toString(),
            "spark.kubernetes.authenticate.driver.clientKeyFile", key.toString(),
            "spark.kubernetes.authenticate.driver.oauthToken", "tok"));
        DriverResourceNames names = DriverResourceNames.of("spark-1", "pi", conf);

        KubernetesDriverSpec spec = new DriverKubernetesCredentialsStep(names)
            .configureDriver(KubernetesDriverSpec.initial(conf));

        Secret secret = (Secret) spec.otherKubernetesResources().get(0);
        assertThat(secret.getData()).containsOnlyKeys("ca-cert", "client-key", "oauth-token");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("oauth-token")),
            StandardCharsets.UTF_8)).isEqualTo("tok");
        assertThat(spec.driverPod().getSpec().getVolumes()).singleElement()
            .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName()));
        assertThat(spec.driverContainer().getVolumeMounts()).singleElement()
            .satisfies(m -> assertThat(m.getMountPath()).isEqualTo(DriverKubernetesCredentialsStep.MOUNT_PATH));
        assertThat(spec.driverSparkConf().asMap())
            .containsEntry("spark.kubernetes.authenticate.driver.mounted.caCertFile",
                "/mnt/secrets/spark-kubernetes-credentials/ca-cert")
            .containsEntry("spark.kubernetes.authenticate.driver.mounted.oauthTokenFile",
                "/mnt/secrets/spark-kubernetes-credentials/oauth-token");
    }

    @Test
    void anUnreadableFileIsReportedWithItsKey() {
        SparkConf conf = SparkConf.of(Map.of("spark.kubernetes.authenticate.driver.clientCertFile",
            dir.resolve("missing.crt").toString()));

        assertThatThrownBy(() -> new DriverKubernetesCredentialsStep(DriverResourceNames.of("spark-1", "pi", conf))
            .configureDriver(KubernetesDriverSpec.initial(conf)))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.authenticate.driver.clientCertFile: ")
            .hasMessageContaining("missing.crt");
    }
}
