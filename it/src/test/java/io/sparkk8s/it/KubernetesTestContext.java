package io.sparkk8s.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * What a test method gets from {@link KubernetesApiServerExtension}: a client for the class's
 * real API server and a namespace created for this test alone.
 *
 * @param client a fabric8 client with cluster-admin rights (the client certificate is in {@code system:masters})
 * @param namespace a fresh namespace, deleted after the test
 * @param kubeconfig a kubeconfig file for the API server, for code under test that reads one (the CLI)
 * @param masterUrl the API server's URL, e.g. {@code https://127.0.0.1:41234}
 */
public record KubernetesTestContext(KubernetesClient client, String namespace, Path kubeconfig, String masterUrl) {
}
