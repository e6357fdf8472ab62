package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;

/**
 * User secrets mounted as volumes: {@code spark.kubernetes.driver.secrets.<secret>=<mount path>}
 * mounts the existing Secret {@code <secret>} at that path in the driver container.
 */
public final class DriverSecretsStep implements DriverConfigurationStep {

    /** Prefix of the secret mount keys. */
    public static final String PREFIX = "spark.kubernetes.driver.secrets.";

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        Map<String, String> secrets = spec.driverSparkConf().withPrefix(PREFIX);
        PodBuilder pod = new PodBuilder().withNewSpec().endSpec();
        ContainerBuilder container = new ContainerBuilder();
        secrets.forEach((secret, mountPath) -> {
            if (!mountPath.startsWith("/")) {
                throw new SubmissionConfigurationException(PREFIX + secret, "'" + mountPath + "' is not an absolute"
                    + " path; give the directory to mount the secret at, e.g. /etc/secrets");
            }
            String volume = secret + "-volume";
            pod.editSpec().addNewVolume().withName(volume).withNewSecret().withSecretName(secret).endSecret()
                .endVolume().endSpec();
            container.addNewVolumeMount().withName(volume).withMountPath(mountPath).endVolumeMount();
        });
        return secrets.isEmpty() ? spec : spec.addToDriverPod(pod.build()).addToDriverContainer(container.build());
    }
}
