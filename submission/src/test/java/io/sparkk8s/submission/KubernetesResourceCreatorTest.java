package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sparkk8s.config.SubmissionRequest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The creator against fabric8's CRUD server over loopback HTTP (create order, owner references,
 * conflicts, rollback). That server neither validates nor garbage-collects: the same behaviours are
 * checked against a real API server in it/ (SubmissionResourcesIT).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesResourceCreatorTest {

    KubernetesClient client;

    private static KubernetesDriverSpec spec(String appId) {
        SubmissionRequest request = Fixtures.javaRequest(Map.of("spark.kubernetes.namespace", "jobs"));
        DriverResourceNames names = DriverResourceNames.of(appId, request.appName(), request.sparkConf());
        return new DriverConfigurationStepsOrchestrator(request, names, Optional.empty(), Map.of()).buildSpec();
    }

    @Test
    void createsThePodThenEveryOtherResourceOwnedByIt() {
        KubernetesDriverSpec spec = spec(Fixtures.APP_ID);

        KubernetesResourceCreator.CreatedResources created = new KubernetesResourceCreator(client).create(spec);

        Pod pod = client.pods().inNamespace("jobs").withName(spec.driverPod().getMetadata().getName()).get();
        assertThat(pod).isNotNull();
        assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName())
            .containsExactly("spark-kubernetes-driver");
        assertThat(created.otherResources()).hasSize(spec.otherKubernetesResources().size());
        for (HasMetadata resource : spec.otherKubernetesResources()) {
            HasMetadata stored = client.resource(resource).inNamespace("jobs").get();
            assertThat(stored).as(resource.getKind()).isNotNull();
            assertThat(stored.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getKind()).isEqualTo("Pod");
                assertThat(owner.getName()).isEqualTo(pod.getMetadata().getName());
                assertThat(owner.getUid()).isEqualTo(pod.getMetadata().getUid());
                assertThat(owner.getController()).isTrue();
            });
            assertThat(stored.getMetadata().getLabels()).containsEntry("spark-app-selector", Fixtures.APP_ID);
        }
    }

    @Test
    void retryingTheSameSubmissionIsIdempotent() {
        KubernetesDriverSpec spec = spec(Fixtures.APP_ID);
        KubernetesResourceCreator creator = new KubernetesResourceCreator(client);
        Pod first = creator.create(spec).driverPod();

        KubernetesResourceCreator.CreatedResources second = creator.create(spec);

        assertThat(second.driverPod().getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
        assertThat(client.pods().inNamespace("jobs").list().getItems()).hasSize(1);
        assertThat(client.configMaps().inNamespace("jobs").list().getItems()).hasSize(1);
        assertThat(client.services().inNamespace("jobs").list().getItems()).hasSize(1);
    }

    @Test
    void aFailureAfterThePodExistsDeletesEverythingAndReportsTheFirstCause() {
        KubernetesDriverSpec spec = spec(Fixtures.APP_ID);
        String serviceName = spec.otherKubernetesResources().stream().filter(r -> r.getKind().equals("Service"))
            .findFirst().orElseThrow().getMetadata().getName();
        client.services().inNamespace("jobs").resource(new ServiceBuilder().withNewMetadata().withName(serviceName)
            .addToLabels("app", "someone-else").endMetadata().withNewSpec().addNewPort().withPort(80).endPort()
            .endSpec().build()).create();

        assertThatThrownBy(() -> new KubernetesResourceCreator(client).create(spec))
            .isInstanceOf(ResourceCreationException.class)
            .hasMessageContaining("Service jobs/" + serviceName)
            .hasMessageContaining("does not belong to this submission");

        assertThat(client.pods().inNamespace("jobs").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("jobs").list().getItems()).extracting(ConfigMap::getMetadata)
            .isEmpty();
        assertThat(client.services().inNamespace("jobs").withName(serviceName).get().getMetadata().getLabels())
            .containsEntry("app", "someone-else");
    }

    @Test
    void aPodOfAnotherSubmissionWithTheSameNameIsNotAdopted() {
        new KubernetesResourceCreator(client).create(spec("spark-ffffffffffff0000"));
        KubernetesDriverSpec other = spec("spark-ffffffffffff1111");
        Pod clash = new io.fabric8.kubernetes.api.model.PodBuilder(other.driverPod()).editMetadata()
            .withName(spec("spark-ffffffffffff0000").driverPod().getMetadata().getName()).endMetadata().build();

        assertThatThrownBy(() -> new KubernetesResourceCreator(client).create(other.withDriverPod(clash)))
            .isInstanceOf(ResourceCreationException.class)
            .hasMessageContaining("does not belong to this submission");
        assertThat(client.pods().inNamespace("jobs").list().getItems()).hasSize(1);
    }
}
