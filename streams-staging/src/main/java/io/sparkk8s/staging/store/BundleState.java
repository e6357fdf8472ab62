package io.sparkk8s.staging.store;

/** Whether a staged bundle has been downloaded at least once; this decides how it is cleaned up. */
public enum BundleState {
    /**
     * Never downloaded: it expires after
     * {@code spark.kubernetes.resourceStagingServer.initialAccessExpirationTimeout}.
     */
    UNUSED,
    /** Downloaded at least once: it lives until the last of its owners is gone. */
    USED
}
