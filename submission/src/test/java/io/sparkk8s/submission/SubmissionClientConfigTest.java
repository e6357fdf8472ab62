package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionClientConfigTest {

    private static final String KUBECONFIG = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev
          cluster:
            server: https://dev.example.com:6443
        - name: prod
          cluster:
            server: https://prod.example.com:6443
        users:
        - name: dev-user
          user:
            token: dev-token
        - name: prod-user
          user:
            token: prod-token
        contexts:
        - name: dev
          context: {cluster: dev, user: dev-user, namespace: dev-ns}
        - name: prod
          context: {cluster: prod, user: prod-user, namespace: prod-ns}
        """;

    @TempDir
    Path dir;

    @Test
    void masterComesFromTheCommandLineAndCredentialsFromTheChosenContext() throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);

        Config config = SubmissionClientConfig.config(KubernetesMasterUrl.parse("k8s://https://10.0.0.1:6443"),
            SparkConf.of(Map.of("spark.kubernetes.context", "prod")), Map.of("KUBECONFIG", kubeconfig.toString()));

        assertThat(config.getMasterUrl()).startsWith("https://10.0.0.1:6443");
        assertThat(config.getAutoOAuthToken()).isEqualTo("prod-token");
        // as in Spark, the namespace is spark.kubernetes.namespace (default "default"), not the context's
        assertThat(config.getNamespace()).isEqualTo("default");
    }

    @Test
    void submissionCredentialsAndNamespaceOverrideTheKubeconfig() throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);
        Path token = Files.writeString(dir.resolve("token"), "file-token\n");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "CA");

        Config config = SubmissionClientConfig.config(KubernetesMasterUrl.parse("k8s://https://10.0.0.1:6443"),
            SparkConf.of(Map.of(
                "spark.kubernetes.authenticate.submission.oauthTokenFile", token.toString(),
                "spark.kubernetes.authenticate.submission.caCertFile", ca.toString(),
                "spark.kubernetes.namespace", "jobs",
                "spark.kubernetes.submission.requestTimeout", "2500")),
            Map.of("KUBECONFIG", kubeconfig.toString()));

        assertThat(config.getOauthToken()).isEqualTo("file-token");
        assertThat(config.getCaCertFile()).isEqualTo(ca.toString());
        assertThat(config.getNamespace()).isEqualTo("jobs");
        assertThat(config.getRequestTimeout()).isEqualTo(2500);
    }

    @Test
    void anUnreadableTokenFileNamesTheKey() {
        assertThatThrownBy(() -> SubmissionClientConfig.config(KubernetesMasterUrl.parse("k8s://h:1"),
            SparkConf.of(Map.of("spark.kubernetes.authenticate.submission.oauthTokenFile",
                dir.resolve("missing").toString())), Map.of("HOME", dir.toString())))
            .hasMessageStartingWith("spark.kubernetes.authenticate.submission.oauthTokenFile: ")
            .hasMessageContaining("missing");
    }
}
