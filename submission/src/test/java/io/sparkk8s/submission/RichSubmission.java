package io.sparkk8s.submission;

import io.sparkk8s.config.SubmissionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A submission that uses every feature, so that the orchestrator picks every step. */
public record RichSubmission(SubmissionRequest request, DriverResourceNames names, Map<String, String> env,
    RecordingStager stager) {

    /** Creates the local files it refers to under {@code dir}. */
    public static RichSubmission create(Path dir) throws IOException {
        Path caCert = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nx\n");
        Path hadoop = Files.createDirectories(dir.resolve("hadoop-conf"));
        Files.writeString(hadoop.resolve("core-site.xml"), "<configuration/>");
        Path template = Files.writeString(dir.resolve("exec.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    tier: exec\nspec:\n  containers:\n  - name: x\n");
        Path localJar = Files.writeString(dir.resolve("udf.jar"), "jar");
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.kubernetes.namespace", "spark-jobs");
        conf.put("spark.kubernetes.driver.label.team", "data");
        conf.put("spark.kubernetes.driver.annotation.owner", "me");
        conf.put("spark.kubernetes.driverEnv.MODE", "rich");
        conf.put("spark.kubernetes.authenticate.driver.serviceAccountName", "spark");
        conf.put("spark.kubernetes.authenticate.driver.caCertFile", caCert.toString());
        conf.put("spark.kubernetes.authenticate.driver.oauthToken", "t0ken");
        conf.put("spark.kubernetes.driver.secrets.db", "/etc/db");
        conf.put("spark.kubernetes.driver.secretKeyRef.DB_PASS", "db:password");
        conf.put("spark.kubernetes.driver.volumes.emptyDir.scratch.mount.path", "/scratch");
        conf.put("spark.kubernetes.driver.volumes.persistentVolumeClaim.data.mount.path", "/data");
        conf.put("spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.claimName", "OnDemand");
        conf.put("spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.sizeLimit", "1Gi");
        conf.put("spark.kubernetes.executor.podTemplateFile", template.toString());
        conf.put("spark.jars", "https://repo.example.com/lib.jar," + localJar + ",local:///opt/extra.jar");
        conf.put("spark.files", "hdfs://nn:8020/data/lookup.csv");
        conf.put("spark.kubernetes.initContainer.image", "spark-k8s:0.1.0");
        conf.put("spark.kubernetes.resourceStagingServer.uri", "http://staging.example.com:10000");
        SubmissionRequest request = Fixtures.javaRequest(conf);
        return new RichSubmission(request, Fixtures.names(request), Map.of("HADOOP_CONF_DIR", hadoop.toString()),
            new RecordingStager());
    }

    /** The orchestrator for this submission. */
    public DriverConfigurationStepsOrchestrator orchestrator() {
        return new DriverConfigurationStepsOrchestrator(request, names, Optional.of(stager), env);
    }
}
