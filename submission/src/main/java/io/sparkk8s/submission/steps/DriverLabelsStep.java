package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels and annotations of the driver pod: the user's {@code spark.kubernetes.driver.label.*} and
 * {@code spark.kubernetes.driver.annotation.*}, plus the labels Spark itself relies on ({@code
 * spark-app-selector}, {@code spark-role=driver}), which users may not override.
 */
public final class DriverLabelsStep implements DriverConfigurationStep {

    /** Prefix of user-defined driver labels. */
    public static final String LABEL_PREFIX = "spark.kubernetes.driver.label.";
    /** Prefix of user-defined driver annotations. */
    public static final String ANNOTATION_PREFIX = "spark.kubernetes.driver.annotation.";
    /** Label that ties every object of one application together. */
    public static final String APP_ID_LABEL = "spark-app-selector";
    /** Label that says which role (driver/executor) a pod plays. */
    public static final String ROLE_LABEL = "spark-role";

    private final String appId;

    /** @param appId the application id, e.g. {@code spark-1a2b3c}, used as {@code spark-app-selector} */
    public DriverLabelsStep(String appId) {
        this.appId = appId;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        Map<String, String> userLabels = spec.driverSparkConf().withPrefix(LABEL_PREFIX);
        for (String reserved : new String[] {APP_ID_LABEL, ROLE_LABEL}) {
            if (userLabels.containsKey(reserved)) {
                throw new SubmissionConfigurationException(LABEL_PREFIX + reserved,
                    "label '" + reserved + "' is reserved by Spark and set by the submission client; remove it");
            }
        }
        Map<String, String> labels = new LinkedHashMap<>(userLabels);
        labels.put(APP_ID_LABEL, appId);
        labels.put(ROLE_LABEL, "driver");
        return spec.withDriverPod(new PodBuilder(spec.driverPod())
            .editOrNewMetadata()
            .addToLabels(labels)
            .addToAnnotations(spec.driverSparkConf().withPrefix(ANNOTATION_PREFIX))
            .endMetadata()
            .build());
    }
}
