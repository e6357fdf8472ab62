package io.sparkk8s.actors.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator.CreatedResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The calls the submission runtime makes to the API server. The blocking ones are only ever called
 * on the runtime's blocking dispatcher. {@link Fabric8KubernetesOperations} is the implementation;
 * tests substitute their own to inject failures.
 */
public interface KubernetesOperations {

    /**
     * Creates the spec's resources, driver pod first; on failure deletes what this call created and
     * throws. Retrying the same spec is idempotent. Blocking.
     */
    CreatedResources create(KubernetesDriverSpec spec);

    /**
     * Deletes everything in {@code namespace} labelled {@code spark-app-selector=appId}: what an
     * ambiguous failure (a timeout on a call the server did carry out) may have left. Blocking.
     */
    void deleteLeftovers(String namespace, String appId);

    /**
     * The driver pods ({@code spark-role=driver}) of {@code namespace}, or of every namespace for {@code "*"},
     * only those of application {@code appId} ({@code spark-app-selector}) unless it is null: what a runtime
     * started after another one rebuilds that one's submissions from. Blocking. The default lists none (an
     * implementation without a server to ask recovers nothing).
     */
    default List<Pod> listDriverPods(String namespace, String appId) {
        return List.of();
    }

    /** Deletes a driver pod; its owned resources go with it. Returns whether it existed. Blocking. */
    boolean deleteDriverPod(String namespace, String podName);

    /**
     * Starts watching the driver pods of {@code namespace} (one informer for all of them) and
     * completes when the initial list has been delivered to {@code listener}. The listener is called
     * from the client's threads and must return at once.
     */
    CompletionStage<DriverPodWatch> watchDriverPods(String namespace, Duration resync, DriverPodListener listener);

    /** Receives the events of a driver-pod watch. */
    interface DriverPodListener {
        /** A driver pod was added or changed. */
        void onPod(Pod pod);

        /** A driver pod was deleted. */
        void onPodDeleted(Pod pod);

        /** The watch stopped for good (for example for lack of permission); no more events follow. */
        void onWatchStopped(Throwable error);
    }

    /** A running driver-pod watch. */
    interface DriverPodWatch extends AutoCloseable {
        /** Stops the watch. */
        @Override
        void close();
    }
}
