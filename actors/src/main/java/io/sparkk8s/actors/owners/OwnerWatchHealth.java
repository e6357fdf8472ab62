package io.sparkk8s.actors.owners;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link OwnerWatcher}'s state for health checks and metrics, readable from any thread (the
 * watcher writes it, an HTTP health route or a metrics exporter reads it). When the API server is
 * unreachable this is where it shows: nothing is deleted then, and bundles wait.
 */
public final class OwnerWatchHealth {

    private final Map<String, NamespaceWatchStatus> byKey = new ConcurrentHashMap<>();

    /** Every namespace watched now, with its state. */
    public List<NamespaceWatchStatus> namespaces() {
        return List.copyOf(byKey.values());
    }

    /** Whether every watched namespace is synced and watching (true when nothing is watched). */
    public boolean healthy() {
        return byKey.values().stream().allMatch(NamespaceWatchStatus::healthy);
    }

    /** How many watched namespaces are not synced or not watching. */
    public long unhealthyNamespaces() {
        return byKey.values().stream().filter(s -> !s.healthy()).count();
    }

    void put(NamespaceWatchStatus status) {
        byKey.put(status.ownerType() + "/" + status.namespace(), status);
    }

    void remove(String ownerType, String namespace) {
        byKey.remove(ownerType + "/" + namespace);
    }
}
