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

    /** Label with the application's name, as upstream sets it (lower case, at most 63 characters). */
    public static final String APP_NAME_LABEL = "spark-app-name";

    private final String appId;
    private final String appName;

    /** @param appId the application id, e.g. {@code spark-1a2b3c}, used as {@code spark-app-selector} */
    public DriverLabelsStep(String appId) {
        this(appId, null);
    }

    /**
     * @param appId the application id, used as {@code spark-app-selector}
     * @param appName the application name, for {@code spark-app-name}; null for none
     */
    public DriverLabelsStep(String appId, String appName) {
        this.appId = appId;
        this.appName = appName;
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
        if (appName != null) {
            String value = appName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9\\-._]", "-");
            value = value.substring(0, Math.min(63, value.length())).replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
            if (!value.isEmpty()) {
                labels.putIfAbsent(APP_NAME_LABEL, value);
            }
        }
        return spec.withDriverPod(new PodBuilder(spec.driverPod())
            .editOrNewMetadata()
            .addToLabels(labels)
            .addToAnnotations(spec.driverSparkConf().withPrefix(ANNOTATION_PREFIX))
            .endMetadata()
            .build());
    }
}
