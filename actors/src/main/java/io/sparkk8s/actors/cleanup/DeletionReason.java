package io.sparkk8s.actors.cleanup;

/** Why the {@link StagedResourcesCleaner} deleted a bundle; a label of the deletion metrics. */
public enum DeletionReason {
    /** Never downloaded within the unused timeout. */
    UNUSED_EXPIRED,
    /** Used, and every object matching its owner was deleted. */
    OWNER_DELETED,
    /** Used, and its owner's namespace was deleted. */
    NAMESPACE_DELETED
}
