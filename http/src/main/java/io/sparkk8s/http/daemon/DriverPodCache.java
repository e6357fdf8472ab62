package io.sparkk8s.http.daemon;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver pods of the namespaces the daemon has been asked to list, served from fabric8 informers (label
 * {@code spark-role=driver}): one per namespace, or one cluster-wide for {@code *}, started the first time
 * that scope is listed and kept running until {@link #close()}. A list request then reads the informer's
 * store instead of listing every driver pod from the API server. The cache is only a copy of what the API
 * server holds: two daemons see the same pods, and a restarted daemon fills it again.
 *
 * <p>When an informer cannot start (the daemon may not list or watch the namespace, the API server is away)
 * or has not synced within the bound, the scope is read with a plain list instead, so the caller gets the
 * answer (or the API server's error) it got before informers; a stopped informer is started again on the
 * next request.
 */
final class DriverPodCache implements AutoCloseable {

    /** The scope of a cluster-wide informer. */
    static final String ALL_NAMESPACES = "*";

    private static final Logger LOG = LoggerFactory.getLogger(DriverPodCache.class);

    private final KubernetesClient client;
    private final Duration syncTimeout;
    private final Map<String, Scoped> informers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param client reads and watches the driver pods
     * @param syncTimeout how long a request waits for a new informer's first list before reading directly
     */
    DriverPodCache(KubernetesClient client, Duration syncTimeout) {
        this.client = client;
        this.syncTimeout = syncTimeout;
    }

    /**
     * The driver pods of {@code scope} (a namespace or {@value #ALL_NAMESPACES}) with all of {@code labels}.
     * Blocks (at most the sync bound) the first time a scope is asked for.
     *
     * @throws KubernetesClientException as a direct list would, e.g. 403 when the daemon may not list pods there
     */
    List<Pod> driverPods(String scope, Map<String, String> labels) {
        Optional<SharedIndexInformer<Pod>> informer = synced(scope);
        if (informer.isEmpty()) {
            return directList(scope, labels);
        }
        List<Pod> pods = new ArrayList<>();
        for (Pod pod : informer.get().getStore().list()) {
            if (hasLabels(pod, labels)) {
                pods.add(pod);
            }
        }
        return pods;
    }

    /** Whether {@code pod} carries every one of {@code labels} (an equality selector, as the API server applies). */
    static boolean hasLabels(Pod pod, Map<String, String> labels) {
        Map<String, String> podLabels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null
            ? Map.of() : pod.getMetadata().getLabels();
        return podLabels.entrySet().containsAll(labels.entrySet());
    }

    private Optional<SharedIndexInformer<Pod>> synced(String scope) {
        if (closed) {
            return Optional.empty();
        }
        Scoped scoped = informers.compute(scope, (s, running) ->
            running != null && !running.informer().stopped().toCompletableFuture().isDone() ? running : start(s));
        if (closed) {
            informers.remove(scope, scoped);
            scoped.informer().close();
            return Optional.empty();
        }
        if (scoped.informer().hasSynced()) {
            return Optional.of(scoped.informer());
        }
        try {
            scoped.started().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return scoped.informer().hasSynced() ? Optional.of(scoped.informer()) : Optional.empty();
        } catch (ExecutionException e) {
            // Refused (403/401): the informer stopped; drop it so that a later request (rights granted) retries.
            informers.remove(scope, scoped);
            scoped.informer().close();
            LOG.warn("cannot watch the driver pods of {}: {}; listing directly", describe(scope),
                e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return Optional.empty();
        } catch (TimeoutException e) {
            LOG.warn("the driver-pod informer of {} has not synced within {}; listing directly", describe(scope),
                syncTimeout);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Scoped start(String scope) {
        SharedIndexInformer<Pod> informer = pods(scope).withLabel(DriverLabelsStep.ROLE_LABEL, "driver")
            .runnableInformer(0);
        // Lost watches and failed relists are retried; a refusal stops the informer (the next request
        // lists directly and so answers with the API server's refusal, then tries a new informer).
        informer.exceptionHandler((isStarted, t) -> !(t instanceof KubernetesClientException kce
            && (kce.getCode() == HttpURLConnection.HTTP_FORBIDDEN
                || kce.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED)));
        CompletableFuture<Void> started = informer.start().toCompletableFuture();
        started.thenRun(() -> LOG.info("serving the driver pods of {} from an informer", describe(scope)));
        return new Scoped(informer, started);
    }

    private record Scoped(SharedIndexInformer<Pod> informer, CompletableFuture<Void> started) {
    }

    /**
     * The driver pods of {@code scope} with all of {@code labels}, listed from the API server now.
     *
     * @throws KubernetesClientException e.g. 403 when the daemon may not list pods there
     */
    List<Pod> directList(String scope, Map<String, String> labels) {
        return pods(scope).withLabels(labels).withLabel(DriverLabelsStep.ROLE_LABEL, "driver").list().getItems();
    }

    private FilterWatchListDeletable<Pod, PodList, PodResource> pods(String scope) {
        return ALL_NAMESPACES.equals(scope) ? client.pods().inAnyNamespace() : client.pods().inNamespace(scope);
    }

    private static String describe(String scope) {
        return ALL_NAMESPACES.equals(scope) ? "every namespace" : "namespace " + scope;
    }

    /** Stops every informer. */
    @Override
    public void close() {
        closed = true;
        informers.values().forEach(s -> s.informer().close());
        informers.clear();
    }
}
