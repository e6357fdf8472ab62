package io.sparkk8s.staging.store;

import io.sparkk8s.staging.StagedResourcesOwner;
import java.time.Instant;
import java.util.Objects;

/**
 * The index entry of one staged bundle. It holds the SHA-256 of the bundle's secret, never the
 * secret itself, so a copy of the index authorizes nothing.
 *
 * @param id the bundle's id (a random UUID)
 * @param secretSha256 lowercase hex SHA-256 of the UTF-8 bytes of the secret
 * @param owner the objects whose disappearance ends the bundle's life
 * @param size bytes of content
 * @param contentSha256 lowercase hex SHA-256 of the content
 * @param created when the bundle was acknowledged to the uploader
 * @param lastAccess when it was last downloaded ({@code created} if never)
 * @param state whether it has been downloaded
 */
public record BundleEntry(String id, String secretSha256, StagedResourcesOwner owner, long size,
    String contentSha256, Instant created, Instant lastAccess, BundleState state) {

    /** Rejects missing parts. */
    public BundleEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secretSha256, "secretSha256");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(contentSha256, "contentSha256");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastAccess, "lastAccess");
        Objects.requireNonNull(state, "state");
    }

    /** This entry after a download at {@code when}. */
    public BundleEntry accessedAt(Instant when) {
        return new BundleEntry(id, secretSha256, owner, size, contentSha256, created, when, BundleState.USED);
    }

    /** This entry marked used without a download (e.g. by a cleaner that learned of a use elsewhere). */
    public BundleEntry markedUsed() {
        return new BundleEntry(id, secretSha256, owner, size, contentSha256, created, lastAccess, BundleState.USED);
    }
}
