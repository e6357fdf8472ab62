package io.sparkk8s.submission;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a submission creates for its driver, built up by {@link DriverConfigurationStep}s: the
 * driver pod (without its main container), the driver container, the other resources the driver
 * needs (services, config maps, secrets), and the Spark configuration the driver will run with.
 *
 * <p>A value: steps return new specs, they never change the one they are given.
 *
 * @param driverPod the driver pod, without the driver container
 * @param driverContainer the container that runs the Spark driver
 * @param otherKubernetesResources resources created beside the pod, owned by it
 * @param driverSparkConf the resolved configuration handed to the driver
 */
public record KubernetesDriverSpec(
    Pod driverPod,
    Container driverContainer,
    List<HasMetadata> otherKubernetesResources,
    SparkConf driverSparkConf) {

    /** Copies the resource list so the spec cannot be changed behind its back. */
    public KubernetesDriverSpec {
        Objects.requireNonNull(driverPod, "driverPod");
        Objects.requireNonNull(driverContainer, "driverContainer");
        otherKubernetesResources = List.copyOf(otherKubernetesResources);
        Objects.requireNonNull(driverSparkConf, "driverSparkConf");
    }

    /** The spec steps start from: an empty pod and container, no resources, the submitted conf. */
    public static KubernetesDriverSpec initial(SparkConf submittedConf) {
        return new KubernetesDriverSpec(new PodBuilder().build(), new ContainerBuilder().build(), List.of(),
            submittedConf);
    }

    /** This spec with a different driver pod. */
    public KubernetesDriverSpec withDriverPod(Pod pod) {
        return new KubernetesDriverSpec(pod, driverContainer, otherKubernetesResources, driverSparkConf);
    }

    /** This spec with a different driver container. */
    public KubernetesDriverSpec withDriverContainer(Container container) {
        return new KubernetesDriverSpec(driverPod, container, otherKubernetesResources, driverSparkConf);
    }

    /** This spec with {@code resource} appended to the other resources. */
    public KubernetesDriverSpec withOtherResource(HasMetadata resource) {
        List<HasMetadata> resources = new ArrayList<>(otherKubernetesResources);
        resources.add(resource);
        return new KubernetesDriverSpec(driverPod, driverContainer, resources, driverSparkConf);
    }

    /** This spec with a different driver configuration. */
    public KubernetesDriverSpec withDriverSparkConf(SparkConf conf) {
        return new KubernetesDriverSpec(driverPod, driverContainer, otherKubernetesResources, conf);
    }

    /**
     * This spec with {@code addition} merged into the driver pod without changing anything already
     * set: maps and lists only gain entries, set fields keep their values.
     */
    public KubernetesDriverSpec addToDriverPod(Pod addition) {
        return withDriverPod(AdditiveMerge.merge(driverPod, addition, Pod.class));
    }

    /** This spec with {@code addition} merged into the driver container, as {@link #addToDriverPod}. */
    public KubernetesDriverSpec addToDriverContainer(Container addition) {
        return withDriverContainer(AdditiveMerge.merge(driverContainer, addition, Container.class));
    }

    /** This spec with the entries of {@code additions} whose keys are not set yet added to the driver conf. */
    public KubernetesDriverSpec addToDriverSparkConf(Map<String, String> additions) {
        Map<String, String> absent = new TreeMap<>();
        additions.forEach((k, v) -> {
            if (!driverSparkConf.contains(k)) {
                absent.put(k, v);
            }
        });
        return absent.isEmpty() ? this : withDriverSparkConf(driverSparkConf.withAll(absent));
    }

    /** The driver pod with the driver container added to its containers: what is sent to the API server. */
    public Pod podWithDriverContainer() {
        return new PodBuilder(driverPod).editOrNewSpec().addToContainers(driverContainer).endSpec().build();
    }
}
