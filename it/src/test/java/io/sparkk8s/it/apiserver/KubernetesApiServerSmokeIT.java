package io.sparkk8s.it.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the test control plane is the real thing: validation, informers, garbage collection. */
@ExtendWith(KubernetesApiServerExtension.class)
class KubernetesApiServerSmokeIT {

    private static final Duration CONTROLLER_WAIT = Duration.ofSeconds(60);

    static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().addNewContainer().withName("main").withImage("busybox:1.36").endContainer()
            .withRestartPolicy("Never").endSpec().build();
    }

    @Test
    void configMapRoundTripsThroughTheServer(KubernetesTestContext ctx) {
        ConfigMap created = ctx.client().configMaps().inNamespace(ctx.namespace()).resource(new ConfigMapBuilder()
            .withNewMetadata().withName("spark-conf").endMetadata()
            .addToData("spark.properties", "spark.app.name=pi\n").build()).create();

        ConfigMap read = ctx.client().configMaps().inNamespace(ctx.namespace()).withName("spark-conf").get();

        assertThat(read.getData()).containsExactlyEntriesOf(Map.of("spark.properties", "spark.app.name=pi\n"));
        assertThat(read.getMetadata().getUid()).isNotBlank().isEqualTo(created.getMetadata().getUid());
        assertThat(read.getMetadata().getResourceVersion()).isNotBlank();
    }

    @Test
    void serverRejectsAPodWithAnUpperCaseNameWith422AndSaysWhy(KubernetesTestContext ctx) {
        assertThatThrownBy(() -> ctx.client().pods().inNamespace(ctx.namespace()).resource(pod("Spark-Driver"))
            .create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                assertThat(e.getMessage()).contains("Spark-Driver").contains("RFC 1123");
            });
        assertThat(ctx.client().pods().inNamespace(ctx.namespace()).list().getItems()).isEmpty();
    }

    @Test
    void informerSeesPodsAddedAndDeleted(KubernetesTestContext ctx) {
        List<String> events = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<Pod> informer = ctx.client().pods().inNamespace(ctx.namespace())
            .inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    events.add("ADD " + pod.getMetadata().getName());
                }

                @Override
                public void onUpdate(Pod oldPod, Pod newPod) {
                }

                @Override
                public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                    events.add("DELETE " + pod.getMetadata().getName());
                }
            })) {
            ctx.client().pods().inNamespace(ctx.namespace()).resource(pod("driver")).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("ADD driver"));

            ctx.client().pods().inNamespace(ctx.namespace()).withName("driver").delete();

            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("DELETE driver"));
            assertThat(events).containsExactly("ADD driver", "DELETE driver");
        }
    }

    @Test
    void deletingTheOwnerPodGarbageCollectsAConfigMapItOwns(KubernetesTestContext ctx) {
        Pod owner = ctx.client().pods().inNamespace(ctx.namespace()).resource(pod("driver")).create();
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(new ConfigMapBuilder()
            .withNewMetadata().withName("driver-conf")
            .addNewOwnerReference().withApiVersion("v1").withKind("Pod").withName("driver")
            .withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference()
            .endMetadata().addToData("k", "v").build()).create();
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(new ConfigMapBuilder()
            .withNewMetadata().withName("unowned").endMetadata().build()).create();

        ctx.client().pods().inNamespace(ctx.namespace()).withName("driver").delete();

        await("garbage collection of driver-conf").atMost(CONTROLLER_WAIT)
            .until(() -> ctx.client().configMaps().inNamespace(ctx.namespace()).withName("driver-conf").get() == null);
        assertThat(ctx.client().configMaps().inNamespace(ctx.namespace()).withName("unowned").get()).isNotNull();
    }

    @Test
    void deletedNamespaceIsEmptiedAndRemovedByTheNamespaceController(KubernetesTestContext ctx) {
        String doomed = ctx.namespace() + "-doomed";
        ctx.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
            .withNewMetadata().withName(doomed).endMetadata().build()).create();
        ctx.client().configMaps().inNamespace(doomed).resource(new ConfigMapBuilder()
            .withNewMetadata().withName("left-behind").endMetadata().build()).create();

        ctx.client().namespaces().withName(doomed).delete();

        await("namespace " + doomed + " removed").atMost(CONTROLLER_WAIT)
            .until(() -> ctx.client().namespaces().withName(doomed).get() == null);
    }
}
