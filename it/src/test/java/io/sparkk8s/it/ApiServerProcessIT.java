package io.sparkk8s.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The second API server a test can ask for: it serves the objects of the class's etcd, and stopping
 * and starting it leaves etcd and the main API server running.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class ApiServerProcessIT {

    @Test
    void aSecondApiServerSharesTheClusterAndRestartsOnItsAddressWhileTheMainOneKeepsServing(
        KubernetesTestContext ctx, ApiServerProcess second) {
        assertThat(second.masterUrl()).isNotEqualTo(ctx.masterUrl());
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(configMap("before")).create();
        assertThat(second.client().configMaps().inNamespace(ctx.namespace()).withName("before").get()).isNotNull();

        second.stop();

        assertThat(second.isRunning()).isFalse();
        try (KubernetesClient noRetries = new KubernetesClientBuilder().withConfig(new ConfigBuilder(second.config())
            .withRequestRetryBackoffLimit(0).build()).build()) {
            assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ctx.namespace()).list())
                .isInstanceOf(KubernetesClientException.class);
        }
        ctx.client().configMaps().inNamespace(ctx.namespace()).resource(configMap("while-stopped")).create();

        second.start();

        assertThat(second.isRunning()).isTrue();
        ConfigMap written = second.client().configMaps().inNamespace(ctx.namespace()).withName("while-stopped")
            .get();
        assertThat(written).isNotNull();
        assertThat(written.getData()).containsEntry("name", "while-stopped");
        second.client().configMaps().inNamespace(ctx.namespace()).resource(configMap("after")).create();
        assertThat(ctx.client().configMaps().inNamespace(ctx.namespace()).withName("after").get()).isNotNull();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("name", name).build();
    }
}
