package io.sparkk8s.staging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of {@link StagedResourcesOwner}, as the original protocol's {@code resourcesOwner}
 * part carries it: {@code {"ownerNamespace": "...", "ownerLabels": {"k": "v"}, "ownerType": "Pod"}}.
 */
public final class StagedResourcesOwnerJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StagedResourcesOwnerJson() {
    }

    /**
     * Parses and validates an owner.
     *
     * @throws IllegalArgumentException with a message naming the field, the bad value and what is valid
     */
    public static StagedResourcesOwner parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("resourcesOwner: not valid JSON (" + e.getOriginalMessage()
                + "); expected {\"ownerNamespace\": \"...\", \"ownerLabels\": {...}, \"ownerType\": \"Pod\"}");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("resourcesOwner: expected a JSON object with ownerNamespace,"
                + " ownerLabels and ownerType, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        JsonNode namespace = root.get("ownerNamespace");
        if (namespace == null || !namespace.isTextual()) {
            throw new IllegalArgumentException("ownerNamespace: must be a string naming a namespace, got "
                + describe(namespace));
        }
        JsonNode labels = root.get("ownerLabels");
        if (labels == null || !labels.isObject()) {
            throw new IllegalArgumentException("ownerLabels: must be an object of label names to string values,"
                + " got " + describe(labels));
        }
        Map<String, String> labelMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().isTextual()) {
                throw new IllegalArgumentException("ownerLabels." + label.getKey() + ": must be a string, got "
                    + describe(label.getValue()));
            }
            labelMap.put(label.getKey(), label.getValue().textValue());
        }
        JsonNode type = root.get("ownerType");
        if (type != null && !type.isNull() && !type.isTextual()) {
            throw new IllegalArgumentException("ownerType: must be the string \"Pod\", got " + describe(type));
        }
        return new StagedResourcesOwner(namespace.textValue(), labelMap,
            type == null || type.isNull() ? null : type.textValue());
    }

    /** The JSON of {@code owner} as a tree (labels in sorted order). */
    public static ObjectNode toTree(StagedResourcesOwner owner) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("ownerNamespace", owner.ownerNamespace());
        ObjectNode labels = node.putObject("ownerLabels");
        owner.ownerLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> labels.put(e.getKey(), e.getValue()));
        node.put("ownerType", owner.ownerType());
        return node;
    }

    /** The JSON text of {@code owner}. */
    public static String toJson(StagedResourcesOwner owner) {
        return toTree(owner).toString();
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing (the field is missing)";
        }
        String text = node.toString();
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
            + (text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }
}
