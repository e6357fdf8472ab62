package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.Fixtures;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.RecordingStager;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyResolutionStepTest {

    @TempDir
    Path dir;

    private KubernetesDriverSpec run(SubmissionRequest request, Optional<RecordingStager> stager) {
        return new DependencyResolutionStep(Fixtures.names(request), request.primaryResource(),
            request.applicationType(), stager.map(s -> s)).configureDriver(
                KubernetesDriverSpec.initial(request.sparkConf()));
    }

    @Test
    void remoteUrisGoToTheInitContainerAndTheDriverSeesDownloadedPaths() throws IOException {
        SubmissionRequest request = Fixtures.request("https://repo.example.com/app.jar", Optional.of("a.Main"),
            Map.of("spark.jars", "local:///opt/a.jar,s3a://bucket/b.jar",
                "spark.files", "hdfs://nn:8020/f.csv",
                "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0"));

        KubernetesDriverSpec spec = run(request, Optional.empty());

        Container init = spec.driverPod().getSpec().getInitContainers().get(0);
        assertThat(init.getName()).isEqualTo("spark-init");
        assertThat(init.getImage()).isEqualTo("spark-k8s:0.1.0");
        assertThat(init.getArgs())
            .containsExactly("init", "--properties-file", "/etc/spark-init/spark-init.properties");
        assertThat(init.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        Properties props = properties(spec);
        assertThat(props.getProperty("spark.kubernetes.initcontainer.remoteJars"))
            .isEqualTo("s3a://bucket/b.jar,https://repo.example.com/app.jar");
        assertThat(props.getProperty("spark.kubernetes.initcontainer.remoteFiles")).isEqualTo("hdfs://nn:8020/f.csv");
        assertThat(props.getProperty("spark.kubernetes.mountdependencies.mountTimeout")).isEqualTo("5m");
        assertThat(spec.driverSparkConf().get("spark.jars"))
            .contains("local:///opt/a.jar,/var/spark-data/spark-jars/b.jar");
        assertThat(spec.driverSparkConf().get("spark.files")).contains("/var/spark-data/spark-files/f.csv");
        assertThat(spec.driverContainer().getVolumeMounts()).extracting(m -> m.getMountPath())
            .containsExactly("/var/spark-data/spark-jars", "/var/spark-data/spark-files");
        assertThat(spec.otherKubernetesResources()).noneMatch(r -> r instanceof Secret);
    }

    @Test
    void localFilesAreStagedAndOnlyTheInitContainerGetsTheirSecret() throws IOException {
        Path jar = Files.writeString(dir.resolve("udf.jar"), "jar");
        Path file = Files.writeString(dir.resolve("lookup.csv"), "a,b");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.jars", jar.toString(), "spark.files", "file://" + file,
            "spark.kubernetes.namespace", "jobs",
            "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0",
            "spark.kubernetes.resourceStagingServer.uri", "https://staging:10000",
            "spark.kubernetes.resourceStagingServer.internal.uri", "http://staging.svc:10000"));
        RecordingStager stager = new RecordingStager();

        KubernetesDriverSpec spec = run(request, Optional.of(stager));

        assertThat(stager.uploads).extracting(RecordingStager.Upload::files)
            .containsExactly(List.of(jar), List.of(file));
        assertThat(stager.uploads.get(0).namespace()).isEqualTo("jobs");
        assertThat(stager.uploads.get(0).labels()).containsEntry("spark-app-selector", Fixtures.APP_ID)
            .containsEntry("spark-role", "driver");
        Properties props = properties(spec);
        String jarsId = props.getProperty("spark.kubernetes.initcontainer.downloadJarsResourceIdentifier");
        assertThat(jarsId).startsWith("id-");
        assertThat(props.getProperty("spark.kubernetes.initcontainer.downloadJarsSecretLocation"))
            .isEqualTo("/mnt/secrets/spark-init/downloadJarsSecret");
        assertThat(props.getProperty("spark.kubernetes.resourceStagingServer.uri"))
            .isEqualTo("http://staging.svc:10000");
        Secret secret = spec.otherKubernetesResources().stream().filter(Secret.class::isInstance)
            .map(Secret.class::cast).findFirst().orElseThrow();
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("downloadJarsSecret")),
            StandardCharsets.UTF_8)).isEqualTo("secret-" + jarsId);
        assertThat(spec.driverPod().getSpec().getInitContainers().get(0).getVolumeMounts())
            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/mnt/secrets/spark-init"));
        assertThat(spec.driverContainer().getVolumeMounts())
            .noneSatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/mnt/secrets/spark-init"));
        assertThat(spec.driverSparkConf().get("spark.jars")).contains("/var/spark-data/spark-jars/udf.jar");
    }

    @Test
    void localArchivesAreStagedWithTheFilesAndTheDriverUnpacksThemFromTheFilesDirectoryUnderTheirName()
        throws IOException {
        Path env = Files.writeString(dir.resolve("env.tar.gz"), "tgz");
        Path model = Files.writeString(dir.resolve("model.zip"), "zip");
        Path file = Files.writeString(dir.resolve("lookup.csv"), "a,b");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.files", file.toString(),
            "spark.archives", env + "#py-env,file://" + model + ",https://repo.example.com/r.tgz#r,local:///opt/l.zip",
            "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0",
            "spark.kubernetes.resourceStagingServer.uri", "https://staging:10000"));
        RecordingStager stager = new RecordingStager();

        KubernetesDriverSpec spec = run(request, Optional.of(stager));

        assertThat(stager.uploads).extracting(RecordingStager.Upload::files)
            .containsExactly(List.of(file, env, model));
        assertThat(properties(spec).getProperty("spark.kubernetes.initcontainer.downloadFilesResourceIdentifier"))
            .startsWith("id-");
        assertThat(properties(spec).getProperty("spark.kubernetes.initcontainer.remoteFiles")).isNull();
        assertThat(spec.driverSparkConf().get("spark.archives")).contains("/var/spark-data/spark-files/env.tar.gz"
            + "#py-env,/var/spark-data/spark-files/model.zip,https://repo.example.com/r.tgz#r,local:///opt/l.zip");
    }

    @Test
    void aLocalArchiveAloneNeedsTheStepAndAMissingOneIsRejectedNamingTheKey() {
        Map<String, String> conf = Map.of("spark.archives", "/no/such/env.tar.gz#env",
            "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), conf);

        assertThat(DependencyResolutionStep.isNeeded(request.sparkConf(), "local:///opt/app.jar")).isTrue();
        assertThat(DependencyResolutionStep.isNeeded(Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"),
            Map.of("spark.archives", "https://repo.example.com/r.tgz#r")).sparkConf(), "local:///opt/app.jar"))
            .isFalse();
        assertThatThrownBy(() -> run(request, Optional.of(new RecordingStager())))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.archives: ")
            .hasMessageContaining("/no/such/env.tar.gz");
    }

    @Test
    void localFilesWithoutAStagingServerAreRejectedNamingTheKey() throws IOException {
        Path jar = Files.writeString(dir.resolve("udf.jar"), "jar");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.jars", jar.toString(), "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0"));

        assertThatThrownBy(() -> run(request, Optional.empty()))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.resourceStagingServer.uri: ")
            .hasMessageContaining(jar.toString());
    }

    @Test
    void missingLocalFilesAreRejectedNamingTheKey() {
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.files", "/no/such/file.txt", "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0"));

        assertThatThrownBy(() -> run(request, Optional.of(new RecordingStager())))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.files: ")
            .hasMessageContaining("/no/such/file.txt");
    }

    @Test
    void remoteDependenciesWithoutAnInitImageNameTheKey() {
        SubmissionRequest request = Fixtures.request("https://repo.example.com/app.jar", Optional.of("a.Main"),
            Map.of());

        assertThatThrownBy(() -> run(request, Optional.empty()))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.kubernetes.initContainer.image: ");
    }

    @Test
    void theInitContainerGetsTheStagingServersTrustThroughItsSecretNeverTheConfigMap() throws IOException {
        Path jar = Files.writeString(dir.resolve("udf.jar"), "jar");
        Path trustStore = Files.write(dir.resolve("truststore.p12"), new byte[] {1, 2, 3});
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret-pass");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.jars", jar.toString(),
            "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0",
            "spark.kubernetes.resourceStagingServer.uri", "https://staging:10000",
            "spark.ssl.kubernetes.resourceStagingServer.enabled", "true",
            "spark.ssl.kubernetes.resourceStagingServer.trustStore", "/elsewhere/ignored.p12",
            "spark.ssl.kubernetes.resourceStagingServer.internal.trustStore", trustStore.toString(),
            "spark.ssl.kubernetes.resourceStagingServer.trustStorePasswordFile", passwordFile.toString(),
            "spark.ssl.kubernetes.resourceStagingServer.trustStoreType", "PKCS12"));

        KubernetesDriverSpec spec = run(request, Optional.of(new RecordingStager()));

        Properties props = properties(spec);
        assertThat(props.getProperty("spark.ssl.kubernetes.resourceStagingServer.enabled")).isEqualTo("true");
        assertThat(props.getProperty("spark.ssl.kubernetes.resourceStagingServer.trustStore"))
            .isEqualTo("/mnt/secrets/spark-init/stagingTrustStore");
        assertThat(props.getProperty("spark.ssl.kubernetes.resourceStagingServer.trustStorePasswordFile"))
            .isEqualTo("/mnt/secrets/spark-init/stagingTrustStorePassword");
        assertThat(props.getProperty("spark.ssl.kubernetes.resourceStagingServer.trustStoreType")).isEqualTo("PKCS12");
        assertThat(props.toString()).doesNotContain("s3cret-pass");
        Secret secret = spec.otherKubernetesResources().stream().filter(Secret.class::isInstance)
            .map(Secret.class::cast).findFirst().orElseThrow();
        assertThat(Base64.getDecoder().decode(secret.getData().get("stagingTrustStore"))).containsExactly(1, 2, 3);
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("stagingTrustStorePassword")),
            StandardCharsets.UTF_8)).isEqualTo("s3cret-pass");
    }

    @Test
    void anUnreadableTrustFileIsRejectedNamingTheKey() throws IOException {
        Path jar = Files.writeString(dir.resolve("udf.jar"), "jar");
        SubmissionRequest request = Fixtures.request("local:///opt/app.jar", Optional.of("a.Main"), Map.of(
            "spark.jars", jar.toString(),
            "spark.kubernetes.initContainer.image", "spark-k8s:0.1.0",
            "spark.kubernetes.resourceStagingServer.uri", "https://staging:10000",
            "spark.ssl.kubernetes.resourceStagingServer.clientCertPem", dir.resolve("missing.pem").toString()));

        assertThatThrownBy(() -> run(request, Optional.of(new RecordingStager())))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith("spark.ssl.kubernetes.resourceStagingServer.clientCertPem:")
            .hasMessageContaining("missing.pem");
    }

    private static Properties properties(KubernetesDriverSpec spec) throws IOException {
        ConfigMap map = spec.otherKubernetesResources().stream().filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast).findFirst().orElseThrow();
        Properties props = new Properties();
        props.load(new StringReader(map.getData().get("spark-init.properties")));
        return props;
    }
}
