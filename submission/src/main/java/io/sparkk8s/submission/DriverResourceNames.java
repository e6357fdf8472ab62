package io.sparkk8s.submission;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The names of everything one submission creates, derived from its application id only, so that
 * retrying the same submission produces the same names (and the resource creator can recognise
 * what an earlier attempt already created).
 *
 * @param appId the application id, {@code spark-<32 hex>}, the value of {@code spark-app-selector}
 * @param namespace the namespace everything is created in ({@code spark.kubernetes.namespace})
 * @param resourceNamePrefix the prefix of every object name, {@code <app name>-<id>}
 * @param driverPodName the driver pod's name ({@code spark.kubernetes.driver.pod.name} or {@code <prefix>-driver})
 */
public record DriverResourceNames(String appId, String namespace, String resourceNamePrefix, String driverPodName) {

    /** Key of the namespace to submit to. */
    public static final String NAMESPACE_KEY = "spark.kubernetes.namespace";
    /** Key of a user-chosen driver pod name. */
    public static final String DRIVER_POD_NAME_KEY = "spark.kubernetes.driver.pod.name";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_APP_NAME_PART = 39;
    private static final int ID_PART = 12;

    /** Validates the names. */
    public DriverResourceNames {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(resourceNamePrefix, "resourceNamePrefix");
        Objects.requireNonNull(driverPodName, "driverPodName");
    }

    /** A fresh application id, {@code spark-} and 32 hex digits. */
    public static String newAppId() {
        return "spark-" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The names for application {@code appId} called {@code appName} with configuration {@code conf}.
     *
     * @throws SubmissionConfigurationException naming the key when the namespace or the driver pod
     *     name is not a valid Kubernetes name
     */
    public static DriverResourceNames of(String appId, String appName, SparkConf conf) {
        String namespace = KubernetesKeys.NAMESPACE.get(conf);
        if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
            throw new SubmissionConfigurationException(NAMESPACE_KEY, "'" + namespace + "' is not a valid namespace"
                + " name; use at most 63 lower-case letters, digits and '-', starting and ending with a letter or"
                + " digit");
        }
        String prefix = prefix(appId, appName);
        String podName = KubernetesKeys.DRIVER_POD_NAME.find(conf).orElse(prefix + "-driver");
        if (podName.length() > 253 || !DNS_SUBDOMAIN.matcher(podName).matches()) {
            throw new SubmissionConfigurationException(DRIVER_POD_NAME_KEY, "'" + podName + "' is not a valid pod"
                + " name; use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter"
                + " or digit");
        }
        return new DriverResourceNames(appId, namespace, prefix, podName);
    }

    /** The headless driver Service: a DNS label, so at most 63 characters. */
    public String driverServiceName() {
        return resourceNamePrefix + "-driver-svc";
    }

    /** The ConfigMap holding the driver's properties file. */
    public String driverConfMapName() {
        return resourceNamePrefix + "-driver-conf-map";
    }

    /** Any other object of this submission: {@code <prefix>-<suffix>}. */
    public String resourceName(String suffix) {
        return resourceNamePrefix + "-" + suffix;
    }

    private static String prefix(String appId, String appName) {
        String sanitized = appName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-")
            .replaceAll("^[-0-9]+", "");
        if (sanitized.length() > MAX_APP_NAME_PART) {
            sanitized = sanitized.substring(0, MAX_APP_NAME_PART);
        }
        sanitized = sanitized.replaceAll("-+$", "");
        if (sanitized.isEmpty()) {
            sanitized = "spark";
        }
        String id = appId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").replaceFirst("^spark", "");
        if (id.length() > ID_PART) {
            id = id.substring(0, ID_PART);
        }
        return sanitized + "-" + id;
    }
}
