package io.sparkk8s.it.cleanup;

import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.awaitSynced;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.createPod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.deletePod;
import static io.sparkk8s.it.cleanup.StagedResourcesCleanupIT.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.cleanup.DeletionReason;
import io.sparkk8s.actors.cleanup.StagedResourcesCleaner;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import io.sparkk8s.staging.store.NewBundle;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RBAC manifest in {@code deploy/staging-server-rbac.yaml}, applied to the real API server (RBAC
 * on): a client authenticated as its service account can run the owner watcher and nothing more; a
 * service account without it gets a watcher that deletes nothing and reports the 403.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StagingServerRbacIT {

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "rbac-it");
    private static final Path MANIFEST = Path.of(System.getProperty("user.dir")).resolve(
        "../deploy/staging-server-rbac.yaml").normalize();
    private static final String SERVICE_ACCOUNT = "spark-staging-server";

    @TempDir
    Path storeRoot;

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
    }

    @Test
    void theDeployedRbacIsEnoughForTheOwnerWatcherAndGrantsNothingElse(KubernetesTestContext ctx) throws Exception {
        List<HasMetadata> applied = applyManifestInto(ctx);
        try (KubernetesClient asStagingServer = clientAs(ctx, SERVICE_ACCOUNT)) {
            Map<String, String> labels = Map.of("spark-app-selector", "spark-rbac");
            createPod(ctx.client(), ctx.namespace(), "driver", labels);
            try (CleanupHarness cleanup = CleanupHarness.start(SYSTEM, asStagingServer, storeRoot, "rbac-ok")) {
                NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), labels));
                awaitSynced(cleanup, ctx.namespace());

                deletePod(ctx.client(), ctx.namespace(), "driver");

                StagedResourcesCleaner.BundleDeleted deletion = cleanup.nextDeletion(Duration.ofSeconds(5));
                assertThat(deletion).isNotNull();
                assertThat(deletion.entry().id()).isEqualTo(bundle.entry().id());
                assertThat(deletion.reason()).isEqualTo(DeletionReason.OWNER_DELETED);
            }

            createPod(ctx.client(), ctx.namespace(), "other", Map.of("a", "b"));
            assertForbidden(() -> asStagingServer.pods().inNamespace(ctx.namespace()).withName("other").get());
            assertForbidden(() -> asStagingServer.pods().inNamespace(ctx.namespace()).withName("other").delete());
            assertForbidden(() -> asStagingServer.secrets().inNamespace(ctx.namespace()).list());
            assertForbidden(() -> asStagingServer.configMaps().inNamespace(ctx.namespace()).list());
        } finally {
            for (HasMetadata item : applied) {
                if (item instanceof ClusterRole || item instanceof ClusterRoleBinding) {
                    ctx.client().resource(item).delete();
                }
            }
        }
    }

    @Test
    void withoutTheRbacNothingIsDeletedAndTheWatcherReportsForbidden(KubernetesTestContext ctx) throws Exception {
        ctx.client().serviceAccounts().inNamespace(ctx.namespace()).resource(new ServiceAccountBuilder()
            .withNewMetadata().withName("no-rights").endMetadata().build()).create();
        try (KubernetesClient withoutRights = clientAs(ctx, "no-rights");
            CleanupHarness cleanup = CleanupHarness.start(SYSTEM, withoutRights, storeRoot, "rbac-missing")) {
            // No pod matches: with list rights the watcher would report the owner gone at once.
            NewBundle bundle = cleanup.stageAndDownload(owner(ctx.namespace(), Map.of("spark-app-selector", "x")));

            await().atMost(Duration.ofSeconds(10)).until(() -> cleanup.health.namespaces().stream()
                .anyMatch(s -> s.forbidden() && s.lastError().isPresent()));
            assertThat(cleanup.nextDeletion(Duration.ofSeconds(2))).isNull();
            assertThat(cleanup.stored(bundle)).isTrue();
            assertThat(cleanup.health.healthy()).isFalse();
        }
    }

    /** Applies the manifest with its service account moved into the test's namespace. */
    private static List<HasMetadata> applyManifestInto(KubernetesTestContext ctx) throws Exception {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            items = ctx.client().load(in).items();
        }
        String suffix = "-" + ctx.namespace();
        List<HasMetadata> adjusted = items.stream().map(item -> {
            if (item instanceof ServiceAccount sa) {
                return (HasMetadata) new ServiceAccountBuilder(sa).editMetadata().withNamespace(ctx.namespace())
                    .endMetadata().build();
            }
            if (item instanceof ClusterRole role) {
                return new ClusterRoleBuilder(role).editMetadata().withName(role.getMetadata().getName() + suffix)
                    .endMetadata().build();
            }
            if (item instanceof ClusterRoleBinding binding) {
                return new ClusterRoleBindingBuilder(binding).editMetadata()
                    .withName(binding.getMetadata().getName() + suffix).endMetadata()
                    .editRoleRef().withName(binding.getRoleRef().getName() + suffix).endRoleRef()
                    .editFirstSubject().withNamespace(ctx.namespace()).endSubject().build();
            }
            throw new AssertionError("unexpected object in " + MANIFEST + ": " + item.getKind());
        }).toList();
        assertThat(adjusted).hasSize(3);
        return adjusted.stream().map(item -> ctx.client().resource(item).create()).toList();
    }

    private static KubernetesClient clientAs(KubernetesTestContext ctx, String serviceAccount) throws Exception {
        String token = ctx.client().serviceAccounts().inNamespace(ctx.namespace()).withName(serviceAccount)
            .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
            .getStatus().getToken();
        Config admin = Config.fromKubeconfig(Files.readString(ctx.kubeconfig()));
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
            .withMasterUrl(ctx.masterUrl()).withCaCertData(admin.getCaCertData()).withCaCertFile(admin.getCaCertFile())
            .withOauthToken(token).withRequestRetryBackoffLimit(0).build()).build();
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
    }
}
