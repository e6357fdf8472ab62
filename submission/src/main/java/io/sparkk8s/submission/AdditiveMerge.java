package io.sparkk8s.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Merges a step's contribution into what earlier steps built, so that a step can only add: fields
 * already set keep their value, maps gain the keys they did not have, lists keep their elements in
 * order and gain the new ones at the end (a named element, such as a volume or an env var, whose
 * name is already taken is not added again).
 */
final class AdditiveMerge {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private AdditiveMerge() {
    }

    /** {@code base} with {@code addition} merged in; {@code base} wins wherever both set a value. */
    static <T> T merge(T base, T addition, Class<T> type) {
        JsonNode merged = mergeNodes(SERIALIZATION.convertValue(base, JsonNode.class),
            SERIALIZATION.convertValue(addition, JsonNode.class));
        return SERIALIZATION.convertValue(merged, type);
    }

    static JsonNode mergeNodes(JsonNode base, JsonNode addition) {
        if (base == null || base.isNull() || base.isMissingNode()) {
            return addition == null ? base : addition.deepCopy();
        }
        if (addition == null || addition.isNull() || addition.isMissingNode()) {
            return base.deepCopy();
        }
        if (base.isObject() && addition.isObject()) {
            ObjectNode result = ((ObjectNode) base).deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = addition.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                result.set(field.getKey(), mergeNodes(base.get(field.getKey()), field.getValue()));
            }
            return result;
        }
        if (base.isArray() && addition.isArray()) {
            ArrayNode result = ((ArrayNode) base).deepCopy();
            Set<String> names = new HashSet<>();
            base.forEach(element -> {
                if (element.hasNonNull("name")) {
                    names.add(element.get("name").asText());
                }
            });
            for (JsonNode element : addition) {
                boolean named = element.hasNonNull("name");
                if (named ? names.add(element.get("name").asText()) : !contains(base, element)) {
                    result.add(element.deepCopy());
                }
            }
            return result;
        }
        return base.deepCopy();
    }

    private static boolean contains(JsonNode array, JsonNode element) {
        for (JsonNode e : array) {
            if (e.equals(element)) {
                return true;
            }
        }
        return false;
    }
}
