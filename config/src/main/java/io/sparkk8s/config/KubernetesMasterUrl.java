package io.sparkk8s.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The API server address taken from {@code --master k8s://...}, with Spark's rules: {@code
 * k8s://host:port} means https, {@code k8s://http://host:port} and {@code k8s://https://host:port}
 * say the scheme explicitly.
 *
 * @param apiServerUrl the resolved URL, e.g. {@code https://10.0.0.1:6443}
 */
public record KubernetesMasterUrl(URI apiServerUrl) {

    /** The {@code --master} prefix that selects Kubernetes. */
    public static final String PREFIX = "k8s://";

    /**
     * Parses a {@code --master} value.
     *
     * @throws InvalidConfigurationException naming {@code --master} when the value is not a
     *     {@code k8s://} URL with a host
     */
    public static KubernetesMasterUrl parse(String master) {
        if (master == null || !master.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new InvalidConfigurationException("--master", "'" + master
                + "' is not a Kubernetes master" + otherClusterManager(master) + "; expected k8s://<host>:<port>,"
                + " k8s://https://<host>:<port> or k8s://http://<host>:<port>");
        }
        String rest = master.substring(PREFIX.length());
        String lower = rest.toLowerCase(Locale.ROOT);
        String withScheme = lower.startsWith("https://") || lower.startsWith("http://") ? rest : "https://" + rest;
        try {
            URI uri = new URI(withScheme);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new InvalidConfigurationException("--master", "'" + master + "' has no host; expected"
                    + " k8s://<host>:<port>");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new InvalidConfigurationException("--master", "'" + master + "' must not have a query or"
                    + " fragment");
            }
            return new KubernetesMasterUrl(uri);
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException("--master", "'" + master + "' is not a valid URL: "
                + e.getReason());
        }
    }

    private static String otherClusterManager(String master) {
        if (master == null) {
            return "";
        }
        String lower = master.toLowerCase(Locale.ROOT);
        String kind;
        if (lower.startsWith("yarn")) {
            kind = "YARN";
        } else if (lower.startsWith("local")) {
            kind = "local mode";
        } else if (lower.startsWith("spark://")) {
            kind = "a Spark standalone cluster";
        } else if (lower.startsWith("mesos://")) {
            kind = "Mesos";
        } else {
            return "";
        }
        return " (it selects " + kind + "; spark-k8s-submit submits to Kubernetes only)";
    }

    @Override
    public String toString() {
        return apiServerUrl.toString();
    }
}
