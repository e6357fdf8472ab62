package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The "only adds" rule as an assertion: everything in the input is in the output, unchanged. */
public final class SpecContainment {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private SpecContainment() {
    }

    /**
     * Asserts that {@code out} contains {@code in}: every set pod and container field with the same
     * value, list elements in the same order at the same positions, the same resources first, the
     * same conf entries (except {@code ownedKeys}, which the step documents it replaces).
     */
    public static void assertContains(KubernetesDriverSpec in, KubernetesDriverSpec out, Set<String> ownedKeys) {
        assertThat(contains(tree(out.driverPod()), tree(in.driverPod())))
            .as("driver pod keeps everything it had:%n in:  %s%n out: %s", tree(in.driverPod()),
                tree(out.driverPod())).isTrue();
        assertThat(contains(tree(out.driverContainer()), tree(in.driverContainer())))
            .as("driver container keeps everything it had:%n in:  %s%n out: %s", tree(in.driverContainer()),
                tree(out.driverContainer())).isTrue();
        assertThat(out.otherKubernetesResources()).hasSizeGreaterThanOrEqualTo(in.otherKubernetesResources().size());
        assertThat(out.otherKubernetesResources().subList(0, in.otherKubernetesResources().size()))
            .as("resources built earlier come first, unchanged").isEqualTo(in.otherKubernetesResources());
        for (Map.Entry<String, String> e : in.driverSparkConf().asMap().entrySet()) {
            if (!ownedKeys.contains(e.getKey())) {
                assertThat(out.driverSparkConf().get(e.getKey())).as("conf key %s", e.getKey()).contains(e.getValue());
            }
        }
    }

    static JsonNode tree(Object o) {
        return SERIALIZATION.convertValue(o, JsonNode.class);
    }

    /** Whether {@code outer} contains {@code inner} (objects: subset; arrays: prefix; scalars: equal). */
    public static boolean contains(JsonNode outer, JsonNode inner) {
        if (inner == null || inner.isNull() || inner.isMissingNode()) {
            return true;
        }
        if (outer == null || outer.isNull()) {
            return inner.isEmpty() && (inner.isObject() || inner.isArray());
        }
        if (inner.isObject()) {
            if (!outer.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = inner.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!contains(outer.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (inner.isArray()) {
            if (!outer.isArray() || outer.size() < inner.size()) {
                return false;
            }
            for (int i = 0; i < inner.size(); i++) {
                if (!inner.get(i).equals(outer.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return inner.equals(outer);
    }
}
