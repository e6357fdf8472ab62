package io.sparkk8s.submission.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code --kill}/{@code --status} target: {@code [namespace:]pod}, where the pod name may hold
 * {@code *} globs (matched against driver pods only, i.e. pods labelled {@code spark-role=driver}).
 *
 * @param option the option the target came from, for error messages
 * @param namespace the namespace to look in
 * @param podPattern the pod name or glob
 */
record DriverPodSelector(String option, String namespace, String podPattern) {

    private static final Pattern GLOB = Pattern.compile("[-a-z0-9.*]+");

    /** Parses {@code target}; {@code defaultNamespace} applies when it names no namespace. */
    static DriverPodSelector parse(String option, String target, String defaultNamespace) {
        int colon = target.indexOf(':');
        String namespace = colon >= 0 ? target.substring(0, colon) : defaultNamespace;
        String pod = colon >= 0 ? target.substring(colon + 1) : target;
        if (namespace.isEmpty() || namespace.contains("*") || !GLOB.matcher(namespace).matches()
            || pod.isEmpty() || !GLOB.matcher(pod).matches()) {
            throw new InvalidConfigurationException(option, "'" + target + "' is not a submission id; expected"
                + " [namespace:]driver-pod-name, '*' allowed in the pod name (e.g. spark-jobs:spark-pi-*)");
        }
        return new DriverPodSelector(option, namespace, pod);
    }

    /** Whether this selects by glob rather than by one exact name. */
    boolean isGlob() {
        return podPattern.contains("*");
    }

    /** Whether a driver pod named {@code podName} (in {@link #namespace()}) is selected. */
    boolean matches(String podName) {
        return podName != null && (isGlob() ? globRegex().matcher(podName).matches() : podPattern.equals(podName));
    }

    private Pattern globRegex() {
        return Pattern.compile(Pattern.quote(podPattern).replace("*", "\\E.*\\Q"));
    }

    /** The driver pods selected, sorted by name. */
    List<Pod> select(KubernetesClient client) {
        if (!isGlob()) {
            Pod pod = client.pods().inNamespace(namespace).withName(podPattern).get();
            return pod == null ? List.of() : List.of(pod);
        }
        Pattern regex = globRegex();
        return client.pods().inNamespace(namespace).withLabel(DriverLabelsStep.ROLE_LABEL, "driver").list()
            .getItems().stream()
            .filter(p -> regex.matcher(p.getMetadata().getName()).matches())
            .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
            .toList();
    }

    @Override
    public String toString() {
        return namespace + ":" + podPattern;
    }
}
