package io.sparkk8s.it.submission;

import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverConfigurationStepsOrchestrator;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Realistic submissions for the real API server: Java, Python and R applications combined with
 * the features users turn on (secrets, volumes, pod templates, credentials, labels, service
 * account, remote and local dependencies, Hadoop configuration).
 */
public final class SubmissionMatrix {

    /** A feature a submission may use. */
    public enum Feature {
        SECRETS, VOLUMES, TEMPLATES, CREDENTIALS, LABELS, SERVICE_ACCOUNT, REMOTE_DEPENDENCIES, LOCAL_DEPENDENCIES,
        HADOOP, RESOURCES
    }

    /** The application kinds, with a primary resource from the apache/spark image. */
    public enum App {
        JAVA("local:///opt/spark/examples/jars/spark-examples.jar", "org.apache.spark.examples.SparkPi"),
        PYTHON("local:///opt/spark/examples/src/main/python/pi.py", null),
        R("local:///opt/spark/examples/src/main/r/dataframe.R", null);

        /** The primary resource. */
        public final String resource;
        /** The main class, null for Python and R. */
        public final String mainClass;

        App(String resource, String mainClass) {
            this.resource = resource;
            this.mainClass = mainClass;
        }
    }

    /**
     * One case of the matrix.
     *
     * @param app the application kind
     * @param features what it uses
     */
    public record Case(App app, Set<Feature> features) {
        @Override
        public String toString() {
            return app + " " + features;
        }
    }

    private SubmissionMatrix() {
    }

    /** 37 cases: every application kind bare, every feature alone, mixed combinations, and everything at once. */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Feature[] all = Feature.values();
        for (App app : App.values()) {
            cases.add(new Case(app, EnumSet.noneOf(Feature.class)));
        }
        for (int i = 0; i < all.length; i++) {
            cases.add(new Case(App.values()[i % 3], EnumSet.of(all[i])));
        }
        for (int i = 0; cases.size() < 36; i++) {
            EnumSet<Feature> mix = EnumSet.noneOf(Feature.class);
            int bits = (i * 389 + 77) % 1024;
            for (int f = 0; f < all.length; f++) {
                if ((bits & (1 << f)) != 0) {
                    mix.add(all[f]);
                }
            }
            cases.add(new Case(App.values()[i % 3], mix));
        }
        cases.add(new Case(App.JAVA, EnumSet.allOf(Feature.class)));
        return cases;
    }

    /** The request of {@code c} in {@code namespace}, with its local files under {@code dir}. */
    public static SubmissionRequest request(Case c, String namespace, String masterUrl, Path dir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.app.name", "matrix-" + c.app().name().toLowerCase(java.util.Locale.ROOT));
        conf.put("spark.kubernetes.namespace", namespace);
        conf.put("spark.kubernetes.container.image", "apache/spark:3.5.1");
        conf.put("spark.kubernetes.submission.waitAppCompletion", "false");
        try {
            for (Feature f : c.features()) {
                switch (f) {
                    case SECRETS -> {
                        conf.put("spark.kubernetes.driver.secrets.db-credentials", "/etc/db");
                        conf.put("spark.kubernetes.driver.secretKeyRef.DB_PASSWORD", "db-credentials:password");
                    }
                    case VOLUMES -> {
                        String p = "spark.kubernetes.driver.volumes.";
                        conf.put(p + "hostPath.logs.mount.path", "/logs");
                        conf.put(p + "hostPath.logs.options.path", "/var/log/spark");
                        conf.put(p + "emptyDir.scratch.mount.path", "/scratch");
                        conf.put(p + "emptyDir.scratch.options.sizeLimit", "1Gi");
                        conf.put(p + "nfs.share.mount.path", "/share");
                        conf.put(p + "nfs.share.mount.readOnly", "true");
                        conf.put(p + "nfs.share.options.server", "nfs.example.com");
                        conf.put(p + "nfs.share.options.path", "/exports");
                        conf.put(p + "persistentVolumeClaim.data.mount.path", "/data");
                        conf.put(p + "persistentVolumeClaim.data.options.claimName", "OnDemand");
                        conf.put(p + "persistentVolumeClaim.data.options.sizeLimit", "5Gi");
                        conf.put(p + "persistentVolumeClaim.data.options.storageClass", "standard");
                    }
                    case TEMPLATES -> {
                        conf.put("spark.kubernetes.driver.podTemplateFile", Files.writeString(dir.resolve(
                            "driver-template.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n"
                            + "    from-template: \"yes\"\nspec:\n  tolerations:\n"
                            + "  - key: spot\n    operator: Exists\n  containers:\n  - name: log-shipper\n"
                            + "    image: fluent/fluent-bit:3.0\n  - name: spark-kubernetes-driver\n"
                            + "    env:\n    - name: FROM_TEMPLATE\n      value: \"yes\"\n").toString());
                        conf.put("spark.kubernetes.driver.podTemplateContainerName", "spark-kubernetes-driver");
                        conf.put("spark.kubernetes.executor.podTemplateFile", Files.writeString(dir.resolve(
                            "executor-template.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n  nodeSelector:\n"
                            + "    pool: executors\n").toString());
                    }
                    case CREDENTIALS -> {
                        conf.put("spark.kubernetes.authenticate.driver.caCertFile", Files.writeString(dir.resolve(
                            "ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString());
                        conf.put("spark.kubernetes.authenticate.driver.oauthToken", "driver-token");
                    }
                    case LABELS -> {
                        conf.put("spark.kubernetes.driver.label.team", "data-platform");
                        conf.put("spark.kubernetes.driver.label.app.kubernetes.io/part-of", "nightly");
                        conf.put("spark.kubernetes.driver.annotation.example.com/owner", "me@example.com");
                    }
                    case SERVICE_ACCOUNT -> conf.put("spark.kubernetes.authenticate.driver.serviceAccountName",
                        "spark");
                    case REMOTE_DEPENDENCIES -> {
                        conf.put("spark.jars", "https://repo1.maven.org/maven2/org/example/udf/1.0/udf-1.0.jar,"
                            + "local:///opt/spark/jars/extra.jar");
                        conf.put("spark.files", "s3a://bucket/lookup.csv");
                        conf.put("spark.kubernetes.initContainer.image", "spark-k8s:0.1.0");
                    }
                    case LOCAL_DEPENDENCIES -> {
                        conf.put("spark.submit.pyFiles", Files.writeString(dir.resolve("helpers.py"), "x = 1\n")
                            .toString());
                        conf.put("spark.kubernetes.initContainer.image", "spark-k8s:0.1.0");
                        conf.put("spark.kubernetes.resourceStagingServer.uri", "http://staging.example.com:10000");
                    }
                    case HADOOP -> conf.put("spark.kubernetes.hadoop.configMapName", "hadoop-site");
                    case RESOURCES -> {
                        conf.put("spark.driver.memory", "3g");
                        conf.put("spark.driver.cores", "2");
                        conf.put("spark.kubernetes.driver.limit.cores", "2500m");
                        conf.put("spark.kubernetes.driverEnv.SPARK_USER", "etl");
                        conf.put("spark.kubernetes.driver.node.selector.disktype", "ssd");
                    }
                    default -> throw new IllegalStateException(f.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://" + masterUrl),
            Optional.ofNullable(c.app().mainClass), conf.get("spark.app.name"), c.app().resource,
            List.of("100"), SparkConf.of(conf), Optional.empty(), false);
    }

    /** The spec for {@code request} with application id {@code appId}; local files "staged" by a stub. */
    public static KubernetesDriverSpec spec(SubmissionRequest request, String appId) {
        DriverResourceNames names = DriverResourceNames.of(appId, request.appName(), request.sparkConf());
        ResourceStager stub = (files, ns, labels) -> CompletableFuture.completedFuture(
            new SubmittedResourceIdAndSecret("bundle-" + Math.abs(files.hashCode()), "s3cr3t"));
        return new DriverConfigurationStepsOrchestrator(request, names, Optional.of(stub), Map.of()).buildSpec();
    }
}
