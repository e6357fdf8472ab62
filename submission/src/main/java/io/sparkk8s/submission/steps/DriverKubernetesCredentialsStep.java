package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials the driver uses to talk to the API server ({@code
 * spark.kubernetes.authenticate.driver.{caCertFile, clientKeyFile, clientCertFile, oauthTokenFile,
 * oauthToken}}), read on the submitter's machine into a Secret that is mounted at {@value #MOUNT_PATH};
 * the driver is pointed at the mounted copies with the {@code ...driver.mounted.*} keys. Credentials
 * that are already in the image ({@code mounted.*} given by the user) are left alone.
 */
public final class DriverKubernetesCredentialsStep implements DriverConfigurationStep {

    /** Prefix of the driver's credential keys. */
    public static final String PREFIX = "spark.kubernetes.authenticate.driver.";
    /** Where the credentials Secret is mounted in the driver. */
    public static final String MOUNT_PATH = "/mnt/secrets/spark-kubernetes-credentials";
    private static final String VOLUME = "kubernetes-credentials";

    /** Credential name, Secret key. */
    private static final List<String[]> FILES = List.of(
        new String[] {"caCertFile", "ca-cert"},
        new String[] {"clientKeyFile", "client-key"},
        new String[] {"clientCertFile", "client-cert"},
        new String[] {"oauthTokenFile", "oauth-token"});

    private final DriverResourceNames names;

    /** @param names the Secret's name and namespace */
    public DriverKubernetesCredentialsStep(DriverResourceNames names) {
        this.names = names;
    }

    /** Whether {@code conf} asks for driver credentials to be mounted. */
    public static boolean isNeeded(SparkConf conf) {
        return FILES.stream().anyMatch(f -> conf.contains(PREFIX + f[0])) || conf.contains(PREFIX + "oauthToken");
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> mountedConf = new LinkedHashMap<>();
        if (conf.contains(PREFIX + "oauthToken") && conf.contains(PREFIX + "oauthTokenFile")) {
            throw new SubmissionConfigurationException(PREFIX + "oauthToken", "set either " + PREFIX + "oauthToken"
                + " or " + PREFIX + "oauthTokenFile, not both");
        }
        for (String[] file : FILES) {
            String key = PREFIX + file[0];
            conf.get(key).ifPresent(path -> {
                rejectMountedTwin(conf, file[0]);
                data.put(file[1], Base64.getEncoder().encodeToString(read(key, path)));
                mountedConf.put(PREFIX + "mounted." + file[0], MOUNT_PATH + "/" + file[1]);
            });
        }
        conf.get(PREFIX + "oauthToken").ifPresent(token -> {
            rejectMountedTwin(conf, "oauthTokenFile");
            data.put("oauth-token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
            mountedConf.put(PREFIX + "mounted.oauthTokenFile", MOUNT_PATH + "/oauth-token");
        });
        if (data.isEmpty()) {
            return spec;
        }
        String secretName = names.resourceName("kubernetes-credentials");
        return spec
            .withOtherResource(new SecretBuilder()
                .withNewMetadata().withName(secretName).withNamespace(names.namespace()).endMetadata()
                .withData(data)
                .build())
            .addToDriverPod(new PodBuilder().withNewSpec().addNewVolume().withName(VOLUME).withNewSecret()
                .withSecretName(secretName).endSecret().endVolume().endSpec().build())
            .addToDriverContainer(new ContainerBuilder().addNewVolumeMount().withName(VOLUME)
                .withMountPath(MOUNT_PATH).withReadOnly(true).endVolumeMount().build())
            .addToDriverSparkConf(mountedConf);
    }

    private static void rejectMountedTwin(SparkConf conf, String name) {
        String mounted = PREFIX + "mounted." + name;
        if (conf.contains(mounted)) {
            throw new SubmissionConfigurationException(mounted, "set either " + PREFIX + name + " (a file on this"
                + " machine, mounted for you) or " + mounted + " (a file already in the image), not both");
        }
    }

    private static byte[] read(String key, String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new SubmissionConfigurationException(key, "cannot read '" + path + "' (" + e + "); give a"
                + " readable file on the submitting machine");
        }
    }
}
