package io.sparkk8s.it.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator;
import io.sparkk8s.submission.ResourceCreationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the submission creates, judged by a real kube-apiserver (validation) and
 * kube-controller-manager (garbage collection).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SubmissionResourcesIT {

    private static final Duration CONTROLLER_WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    static Stream<SubmissionMatrix.Case> matrix() {
        return SubmissionMatrix.cases().stream();
    }

    @Test
    void theMatrixHasAtLeastThirtyCasesCoveringEveryAppKindAndFeature() {
        List<SubmissionMatrix.Case> cases = SubmissionMatrix.cases();

        assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
        assertThat(cases).extracting(SubmissionMatrix.Case::app).contains(SubmissionMatrix.App.values());
        assertThat(cases.stream().flatMap(c -> c.features().stream()).distinct())
            .containsExactlyInAnyOrder(SubmissionMatrix.Feature.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void everythingIsAcceptedByTheServerAndOwnedByTheDriverPod(SubmissionMatrix.Case c, KubernetesTestContext ctx) {
        KubernetesDriverSpec spec = SubmissionMatrix.spec(SubmissionMatrix.request(c, ctx.namespace(),
            ctx.masterUrl(), dir), DriverResourceNames.newAppId());

        KubernetesResourceCreator.CreatedResources created = new KubernetesResourceCreator(ctx.client()).create(spec);

        KubernetesClient client = ctx.client();
        Pod pod = client.pods().inNamespace(ctx.namespace()).withName(spec.driverPod().getMetadata().getName()).get();
        assertThat(pod).isNotNull();
        assertThat(pod.getMetadata().getLabels()).containsEntry("spark-role", "driver")
            .containsKey("spark-app-selector");
        assertThat(created.otherResources()).hasSize(spec.otherKubernetesResources().size());
        for (HasMetadata resource : spec.otherKubernetesResources()) {
            HasMetadata stored = client.resource(resource).inNamespace(ctx.namespace()).get();
            assertThat(stored).as("%s %s", resource.getKind(), resource.getMetadata().getName()).isNotNull();
            assertThat(stored.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(pod.getMetadata().getUid());
                assertThat(owner.getKind()).isEqualTo("Pod");
            });
        }
        ConfigMap conf = client.configMaps().inNamespace(ctx.namespace())
            .withName(spec.otherKubernetesResources().stream().filter(r -> r.getMetadata().getName()
                .endsWith("-driver-conf-map")).findFirst().orElseThrow().getMetadata().getName()).get();
        assertThat(conf.getData().get("spark.properties")).contains("spark.driver.host=")
            .contains("spark.kubernetes.driver.pod.name=" + pod.getMetadata().getName());
    }

    @Test
    void deletingTheDriverPodLetsTheGarbageCollectorRemoveTheRest(KubernetesTestContext ctx) {
        KubernetesDriverSpec spec = SubmissionMatrix.spec(SubmissionMatrix.request(new SubmissionMatrix.Case(
            SubmissionMatrix.App.JAVA, EnumSet.allOf(SubmissionMatrix.Feature.class)), ctx.namespace(),
            ctx.masterUrl(), dir), DriverResourceNames.newAppId());
        new KubernetesResourceCreator(ctx.client()).create(spec);
        assertThat(spec.otherKubernetesResources()).hasSizeGreaterThanOrEqualTo(7);

        ctx.client().pods().inNamespace(ctx.namespace()).withName(spec.driverPod().getMetadata().getName())
            .withGracePeriod(0).delete();

        await().atMost(CONTROLLER_WAIT).untilAsserted(() -> {
            for (HasMetadata resource : spec.otherKubernetesResources()) {
                HasMetadata left = ctx.client().resource(resource).inNamespace(ctx.namespace()).get();
                // A claim is held by the kubernetes.io/pvc-protection finalizer until the storage controller
                // releases it: deleted by the garbage collector means "deletion started" for claims.
                if (left != null && resource.getKind().equals("PersistentVolumeClaim")) {
                    assertThat(left.getMetadata().getDeletionTimestamp()).as("claim %s is being deleted",
                        resource.getMetadata().getName()).isNotNull();
                } else {
                    assertThat(left).as("%s %s", resource.getKind(), resource.getMetadata().getName()).isNull();
                }
            }
        });
    }

    @Test
    void aFailureAfterThePodIsCreatedLeavesNothingBehind(KubernetesTestContext ctx) {
        KubernetesDriverSpec spec = SubmissionMatrix.spec(SubmissionMatrix.request(new SubmissionMatrix.Case(
            SubmissionMatrix.App.PYTHON, EnumSet.of(SubmissionMatrix.Feature.CREDENTIALS,
                SubmissionMatrix.Feature.TEMPLATES)), ctx.namespace(), ctx.masterUrl(), dir),
            DriverResourceNames.newAppId());
        HasMetadata service = spec.otherKubernetesResources().stream().filter(r -> r.getKind().equals("Service"))
            .findFirst().orElseThrow();
        ctx.client().services().inNamespace(ctx.namespace()).resource(new ServiceBuilder().withNewMetadata()
            .withName(service.getMetadata().getName()).endMetadata().withNewSpec().addNewPort().withPort(80).endPort()
            .endSpec().build()).create();

        assertThatThrownBy(() -> new KubernetesResourceCreator(ctx.client()).create(spec))
            .isInstanceOf(ResourceCreationException.class)
            .hasMessageContaining("Service " + ctx.namespace() + "/" + service.getMetadata().getName());

        await().atMost(CONTROLLER_WAIT).untilAsserted(() -> {
            assertThat(ctx.client().pods().inNamespace(ctx.namespace()).list().getItems()).isEmpty();
            for (HasMetadata resource : spec.otherKubernetesResources()) {
                if (resource != service) {
                    assertThat(ctx.client().resource(resource).inNamespace(ctx.namespace()).get())
                        .as("%s %s", resource.getKind(), resource.getMetadata().getName()).isNull();
                }
            }
        });
        assertThat(ctx.client().services().inNamespace(ctx.namespace()).withName(service.getMetadata().getName())
            .get()).as("the clashing Service is not ours and stays").isNotNull();
    }

    @Test
    void retryingTheSameSubmissionCreatesNothingTwice(KubernetesTestContext ctx) {
        KubernetesDriverSpec spec = SubmissionMatrix.spec(SubmissionMatrix.request(new SubmissionMatrix.Case(
            SubmissionMatrix.App.R, EnumSet.of(SubmissionMatrix.Feature.VOLUMES)), ctx.namespace(),
            ctx.masterUrl(), dir), DriverResourceNames.newAppId());
        KubernetesResourceCreator creator = new KubernetesResourceCreator(ctx.client());
        Pod first = creator.create(spec).driverPod();

        Pod second = creator.create(spec).driverPod();

        assertThat(second.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
        assertThat(ctx.client().services().inNamespace(ctx.namespace()).list().getItems()).hasSize(1);
        assertThat(ctx.client().persistentVolumeClaims().inNamespace(ctx.namespace()).list().getItems()).hasSize(1);
    }
}
