package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;

/**
 * Environment variables taken from secrets: {@code spark.kubernetes.driver.secretKeyRef.<ENV>=<secret>:<key>}
 * sets {@code ENV} in the driver container from key {@code key} of the existing Secret {@code secret}.
 */
public final class DriverSecretEnvStep implements DriverConfigurationStep {

    /** Prefix of the secret-backed environment keys. */
    public static final String PREFIX = "spark.kubernetes.driver.secretKeyRef.";

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        Map<String, String> refs = spec.driverSparkConf().withPrefix(PREFIX);
        ContainerBuilder container = new ContainerBuilder();
        refs.forEach((env, ref) -> {
            int colon = ref.indexOf(':');
            if (colon <= 0 || colon == ref.length() - 1) {
                throw new SubmissionConfigurationException(PREFIX + env, "'" + ref + "' is not a secret reference;"
                    + " use <secret name>:<key>, e.g. db-credentials:password");
            }
            container.addNewEnv().withName(env).withNewValueFrom().withNewSecretKeyRef()
                .withName(ref.substring(0, colon)).withKey(ref.substring(colon + 1)).endSecretKeyRef()
                .endValueFrom().endEnv();
        });
        return refs.isEmpty() ? spec : spec.addToDriverContainer(container.build());
    }
}
