package io.sparkk8s.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StagedResourcesOwnerTest {

    private final StagedResourcesOwner owner =
        new StagedResourcesOwner("spark-jobs", Map.of("spark-app-selector", "spark-1"), null);

    @Test
    void anObjectIsAnOwnerWhenItIsInTheNamespaceAndCarriesEveryLabel() {
        assertThat(owner.isOwnedBy("spark-jobs", Map.of("spark-app-selector", "spark-1", "x", "y"))).isTrue();
        assertThat(owner.isOwnedBy("other", Map.of("spark-app-selector", "spark-1"))).isFalse();
        assertThat(owner.isOwnedBy("spark-jobs", Map.of("spark-app-selector", "spark-2"))).isFalse();
        assertThat(owner.isOwnedBy("spark-jobs", null)).isFalse();
    }

    @Test
    void ownerTypeDefaultsToPod() {
        assertThat(owner.ownerType()).isEqualTo("Pod");
    }

    @Test
    void rejectsInvalidFieldsNamingThem() {
        assertThatThrownBy(() -> new StagedResourcesOwner("Spark_Jobs", Map.of("a", "b"), "Pod"))
            .hasMessageStartingWith("ownerNamespace:");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of(), "Pod"))
            .hasMessageStartingWith("ownerLabels:");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("a", "b"), "Deployment"))
            .hasMessageStartingWith("ownerType:").hasMessageContaining("'Pod'");
    }

    @Test
    void rejectsLabelKeysAndValuesThatKubernetesWouldRejectNamingTheFieldAndValue() {
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("bad key", "v"), "Pod"))
            .hasMessageStartingWith("ownerLabels:").hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("Bad_Prefix/name", "v"), "Pod"))
            .hasMessageStartingWith("ownerLabels:").hasMessageContaining("prefix");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("k".repeat(64), "v"), "Pod"))
            .hasMessageStartingWith("ownerLabels:");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("app", "white space"), "Pod"))
            .hasMessageStartingWith("ownerLabels.app:").hasMessageContaining("'white space'");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("app", "-dash"), "Pod"))
            .hasMessageStartingWith("ownerLabels.app:");
        assertThatThrownBy(() -> new StagedResourcesOwner("ns", Map.of("app", "v".repeat(64)), "Pod"))
            .hasMessageStartingWith("ownerLabels.app:");
    }

    @Test
    void acceptsPrefixedKeysDotsUnderscoresAndEmptyValues() {
        StagedResourcesOwner ok = new StagedResourcesOwner("ns", Map.of("spark.apache.org/app-id", "a_b.c-1",
            "role", ""), "Pod");

        assertThat(ok.ownerLabels()).containsEntry("role", "");
    }
}
