package io.sparkk8s.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesMasterUrlTest {

    @ParameterizedTest
    @CsvSource({
        "k8s://10.0.0.1:6443,              https://10.0.0.1:6443",
        "k8s://https://api.example.com,    https://api.example.com",
        "k8s://http://127.0.0.1:8080,      http://127.0.0.1:8080",
        "K8S://kube.local:443,             https://kube.local:443",
        "k8s://HTTP://127.0.0.1:8001,      HTTP://127.0.0.1:8001",
    })
    void resolvesTheApiServerUrlWithHttpsAsDefault(String master, String expected) {
        assertThat(KubernetesMasterUrl.parse(master).apiServerUrl()).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yarn", "local[*]", "spark://host:7077", "k8s://", "k8s://https://", "k8s://h:1/?q=1"})
    void rejectsAnythingButAKubernetesUrlNamingTheOption(String master) {
        assertThatThrownBy(() -> KubernetesMasterUrl.parse(master))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("--master: ")
            .hasMessageContaining(master);
    }
}
