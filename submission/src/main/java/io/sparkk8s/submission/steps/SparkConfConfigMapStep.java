package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.util.Map;

/**
 * The driver's resolved configuration as a ConfigMap holding {@value DriverCommandStep#SPARK_CONF_FILE},
 * which {@link DriverCommandStep} mounts. It renders the conf it is given, so the orchestrator runs it
 * last. Secrets never go into the ConfigMap: the submission client's own credentials ({@code
 * spark.kubernetes.authenticate.submission.*}) and OAuth token values are left out (the driver gets
 * its token through the mounted credentials Secret).
 */
public final class SparkConfConfigMapStep implements DriverConfigurationStep {

    private final DriverResourceNames names;

    /** @param names the ConfigMap's name and namespace */
    public SparkConfConfigMapStep(DriverResourceNames names) {
        this.names = names;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        return spec.withOtherResource(new ConfigMapBuilder()
            .withNewMetadata().withName(names.driverConfMapName()).withNamespace(names.namespace()).endMetadata()
            .addToData(DriverCommandStep.SPARK_CONF_FILE, render(spec.driverSparkConf()))
            .build());
    }

    /** Whether {@code key} holds a secret that must not be written to a ConfigMap. */
    static boolean isSecret(String key) {
        return key.startsWith("spark.kubernetes.authenticate.submission.") || key.endsWith(".oauthToken")
            || key.startsWith("spark.ssl.") && key.toLowerCase(java.util.Locale.ROOT).contains("password")
                && !key.endsWith("File");
    }

    /** The conf as a Java properties file, keys sorted, secrets left out. */
    static String render(SparkConf conf) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : conf.asMap().entrySet()) {
            if (!isSecret(e.getKey())) {
                out.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false)).append('\n');
            }
        }
        return out.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
