package io.sparkk8s.submission;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pod template files: the driver's ({@code spark.kubernetes.driver.podTemplateFile}) is the spec the
 * steps start from, so the steps only add to what the template sets; its container named {@code
 * spark.kubernetes.driver.podTemplateContainerName} (default: the first one) becomes the driver
 * container.
 */
public final class PodTemplates {

    /** Key of the driver's pod template file. */
    public static final String DRIVER_TEMPLATE = KubernetesKeys.DRIVER_POD_TEMPLATE_FILE.key();
    /** Key of the name of the template container that becomes the driver container. */
    public static final String DRIVER_TEMPLATE_CONTAINER = KubernetesKeys.DRIVER_POD_TEMPLATE_CONTAINER_NAME.key();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private PodTemplates() {
    }

    /** The spec the steps start from: the driver template if there is one, else an empty pod. */
    public static KubernetesDriverSpec initialSpec(SparkConf conf) {
        Optional<String> path = KubernetesKeys.DRIVER_POD_TEMPLATE_FILE.find(conf);
        if (path.isEmpty()) {
            return KubernetesDriverSpec.initial(conf);
        }
        String content;
        try {
            content = Files.readString(Path.of(path.get()));
        } catch (IOException e) {
            throw new SubmissionConfigurationException(DRIVER_TEMPLATE, "cannot read '" + path.get() + "' (" + e
                + "); give a readable pod template file on the submitting machine");
        }
        Pod template = parse(DRIVER_TEMPLATE, path.get(), content);
        List<Container> containers = template.getSpec() == null ? List.of() : template.getSpec().getContainers();
        Optional<String> wanted = KubernetesKeys.DRIVER_POD_TEMPLATE_CONTAINER_NAME.find(conf);
        Container driver = wanted
            .map(name -> containers.stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseThrow(() -> new SubmissionConfigurationException(DRIVER_TEMPLATE_CONTAINER, "the template "
                    + path.get() + " has no container named '" + name + "'; it has "
                    + containers.stream().map(Container::getName).toList())))
            .orElse(containers.isEmpty() ? new ContainerBuilder().build() : containers.get(0));
        List<Container> others = new ArrayList<>(containers);
        others.remove(driver);
        Pod pod = new PodBuilder(template).editOrNewSpec().withContainers(others).endSpec().build();
        return new KubernetesDriverSpec(pod, driver, List.of(), conf);
    }

    /**
     * {@code base} with {@code addition} merged in, only adding: what {@code base} sets is kept, maps and
     * lists gain what they lack (a named element whose name is taken is not added again).
     */
    public static Pod addTo(Pod base, Pod addition) {
        return AdditiveMerge.merge(base, addition, Pod.class);
    }

    /** {@code base} with {@code addition} merged in, as {@link #addTo(Pod, Pod)}. */
    public static Container addTo(Container base, Container addition) {
        return AdditiveMerge.merge(base, addition, Container.class);
    }

    /** {@code pod} as YAML, as a template file holds it. */
    public static String toYaml(Pod pod) {
        return SERIALIZATION.asYaml(pod);
    }

    /** Parses {@code content} of the file {@code path} (given by {@code key}) as a pod. */
    public static Pod parse(String key, String path, String content) {
        Object parsed;
        try {
            parsed = SERIALIZATION.unmarshal(content);
        } catch (RuntimeException e) {
            throw new SubmissionConfigurationException(key, "'" + path + "' is not valid YAML or JSON: "
                + e.getMessage());
        }
        if (!(parsed instanceof Pod pod)) {
            throw new SubmissionConfigurationException(key, "'" + path + "' must hold a Pod (kind: Pod),"
                + " found " + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
        }
        return pod;
    }
}
