package io.sparkk8s.staging;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who a staged bundle belongs to: the objects in {@code ownerNamespace} that carry all of {@code
 * ownerLabels}. Once the bundle has been used, it is deleted when no such object exists any more.
 * This is the JSON of the {@code resourcesOwner} part of an upload, as in the original design.
 *
 * @param ownerNamespace the namespace of the owners
 * @param ownerLabels labels every owner carries; not empty, or the bundle would belong to everything
 * @param ownerType the kind of owner object; only {@code Pod} is supported
 */
public record StagedResourcesOwner(String ownerNamespace, Map<String, String> ownerLabels, String ownerType) {

    /** The only owner type the original protocol defines. */
    public static final String POD = "Pod";

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_1123_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    /** Validates the owner and copies its labels; messages name the field and what is valid. */
    public StagedResourcesOwner {
        if (ownerNamespace == null || !DNS_1123_LABEL.matcher(ownerNamespace).matches()) {
            throw new IllegalArgumentException("ownerNamespace: '" + ownerNamespace + "' is not a Kubernetes"
                + " namespace name (lower case alphanumerics and '-', at most 63 characters)");
        }
        if (ownerLabels == null || ownerLabels.isEmpty()) {
            throw new IllegalArgumentException("ownerLabels: must name at least one label, or the bundle would"
                + " be owned by every pod of the namespace");
        }
        ownerLabels.forEach((k, v) -> {
            if (k == null || k.isEmpty() || v == null) {
                throw new IllegalArgumentException("ownerLabels: keys must be non-empty and values non-null, got "
                    + k + "=" + v);
            }
            checkLabel(k, v);
        });
        ownerLabels = Map.copyOf(ownerLabels);
        if (!POD.equals(Objects.requireNonNullElse(ownerType, POD))) {
            throw new IllegalArgumentException("ownerType: '" + ownerType + "' is not supported; the only valid"
                + " value is 'Pod'");
        }
        ownerType = POD;
    }

    /*
     * Kubernetes label syntax: an owner whose labels no pod can carry would make the owner watcher's
     * label-selector LIST answer 400 for ever, so such an upload is refused instead.
     */
    private static void checkLabel(String key, String value) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(prefix).matches())) {
            throw new IllegalArgumentException("ownerLabels: the prefix of label key '" + key + "' is not a DNS"
                + " subdomain (lower case alphanumerics, '-' and '.', at most 253 characters)");
        }
        if (name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("ownerLabels: '" + key + "' is not a Kubernetes label key (an"
                + " optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', beginning"
                + " and ending with an alphanumeric)");
        }
        if (!value.isEmpty() && (value.length() > 63 || !LABEL_NAME.matcher(value).matches())) {
            throw new IllegalArgumentException("ownerLabels." + key + ": '" + value + "' is not a Kubernetes label"
                + " value (empty, or at most 63 alphanumerics, '-', '_' or '.', beginning and ending with an"
                + " alphanumeric)");
        }
    }

    /** Whether an object with these labels in this namespace is one of the owners. */
    public boolean isOwnedBy(String namespace, Map<String, String> labels) {
        return ownerNamespace.equals(namespace) && labels != null
            && labels.entrySet().containsAll(ownerLabels.entrySet());
    }
}
