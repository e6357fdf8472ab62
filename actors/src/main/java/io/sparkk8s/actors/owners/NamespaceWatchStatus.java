package io.sparkk8s.actors.owners;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link OwnerWatcher} knows about its informer for one namespace and owner type.
 *
 * @param namespace the watched namespace
 * @param ownerType the owner type watched there, e.g. {@code Pod}
 * @param owners how many distinct owners of live bundles are watched there
 * @param synced whether the informer's first list has completed; until then no owner there is judged
 * @param watching whether the informer's watch is open now; while it is not, deletions may be missed
 *     and are caught up after the next list
 * @param forbidden whether the last error was a 403 (missing RBAC)
 * @param lastError the last list/watch/confirmation error, if any since the last successful sync
 * @param changedAt when {@code synced}, {@code watching} or {@code lastError} last changed
 */
public record NamespaceWatchStatus(String namespace, String ownerType, int owners, boolean synced,
    boolean watching, boolean forbidden, Optional<String> lastError, Instant changedAt) {

    /** Rejects missing parts. */
    public NamespaceWatchStatus {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(ownerType, "ownerType");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /** Whether deletions in this namespace are seen as they happen. */
    public boolean healthy() {
        return synced && watching;
    }
}
