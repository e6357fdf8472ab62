package io.sparkk8s.actors.owners;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.staging.StagedResourcesOwner;
import java.util.List;
import java.util.Objects;

/**
 * A kind of Kubernetes object that can own staged bundles: the {@code ownerType} of a
 * {@link StagedResourcesOwner} and the fabric8 model class whose namespaced objects are watched for
 * it. Only {@link #POD} exists today; a Deployment, StatefulSet or Job owner is one more constant
 * here (and one more resource in the RBAC manifest), the watcher does not change.
 *
 * @param type the {@code ownerType} value of the staging protocol, e.g. {@code Pod}
 * @param resourceClass the fabric8 model class listed and watched for this type
 */
public record OwnerKind(String type, Class<? extends HasMetadata> resourceClass) {

    /** Pods, the owner type of the original protocol. */
    public static final OwnerKind POD = new OwnerKind(StagedResourcesOwner.POD, Pod.class);

    private static final List<OwnerKind> KNOWN = List.of(POD);

    /** Rejects missing parts. */
    public OwnerKind {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resourceClass, "resourceClass");
    }

    /**
     * The kind of {@code owner}.
     *
     * @throws IllegalArgumentException naming the type and the valid ones, if it is not known
     */
    public static OwnerKind of(StagedResourcesOwner owner) {
        return KNOWN.stream().filter(k -> k.type.equals(owner.ownerType())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("ownerType: '" + owner.ownerType()
                + "' is not supported; valid: " + KNOWN.stream().map(OwnerKind::type).toList()));
    }
}
