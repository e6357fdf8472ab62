package io.sparkk8s.submission.staging;

import java.util.Objects;

/**
 * What the resource staging server returns for an upload: the id to download it by and the secret
 * that authorizes the download. The secret is never logged ({@link #toString()} hides it).
 *
 * @param resourceId the bundle's id
 * @param resourceSecret the bundle's download secret
 */
public record SubmittedResourceIdAndSecret(String resourceId, String resourceSecret) {

    /** Rejects missing parts. */
    public SubmittedResourceIdAndSecret {
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(resourceSecret, "resourceSecret");
    }

    @Override
    public String toString() {
        return "SubmittedResourceIdAndSecret[resourceId=" + resourceId + ", resourceSecret=<hidden>]";
    }
}
