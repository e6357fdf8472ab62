package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.sparkk8s.config.SparkConf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesDriverSpecTest {

    @Test
    void podWithDriverContainerAddsTheContainerToThePodSpec() {
        KubernetesDriverSpec spec = KubernetesDriverSpec.initial(SparkConf.empty())
            .withDriverContainer(new ContainerBuilder().withName("spark-kubernetes-driver").build());

        assertThat(spec.podWithDriverContainer().getSpec().getContainers())
            .extracting(c -> c.getName()).containsExactly("spark-kubernetes-driver");
        assertThat(spec.driverPod().getSpec()).isNull();
    }

    @Test
    void resourceListCannotBeChangedFromOutside() {
        List<HasMetadata> resources = new ArrayList<>();
        KubernetesDriverSpec spec = new KubernetesDriverSpec(KubernetesDriverSpec.initial(SparkConf.empty())
            .driverPod(), new ContainerBuilder().build(), resources, SparkConf.empty());

        resources.add(new ConfigMapBuilder().build());

        assertThat(spec.otherKubernetesResources()).isEmpty();
        assertThatThrownBy(() -> spec.otherKubernetesResources().add(new ConfigMapBuilder().build()))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withOtherResourceAppendsWithoutTouchingTheOriginal() {
        KubernetesDriverSpec empty = KubernetesDriverSpec.initial(SparkConf.empty());

        KubernetesDriverSpec one = empty.withOtherResource(
            new ConfigMapBuilder().withNewMetadata().withName("a").endMetadata().build());

        assertThat(empty.otherKubernetesResources()).isEmpty();
        assertThat(one.otherKubernetesResources()).extracting(r -> r.getMetadata().getName()).containsExactly("a");
    }
}
