package io.sparkk8s.actors.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator.CreatedResources;
import io.sparkk8s.submission.ResourceCreationException;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory API server for the runtime's actor tests: records what is created and deleted,
 * throws the failures a test scripts per submission and attempt, can hold creations behind a gate,
 * and plays a kubelet's part by sending driver-pod events to the namespace's informer listener.
 */
public final class FakeKubernetesOperations implements KubernetesOperations {

    /** Decides the failure of attempt {@code attempt} (1-based) of {@code appName}'s creation, or null. */
    interface FailureScript {
        RuntimeException failure(String appName, int attempt);
    }

    /** One call to {@link #create}, with when it started. */
    record CreateCall(String appName, String appId, int attempt, long startedNanos) {
    }

    private final FailureScript script;
    private final Semaphore gate;
    public final Map<String, Pod> pods = new ConcurrentHashMap<>();
    final List<CreateCall> createCalls = new CopyOnWriteArrayList<>();
    final List<String> leftoverDeletions = new CopyOnWriteArrayList<>();
    public final List<String> podDeletions = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> watchesStarted = new ConcurrentHashMap<>();
    final Map<String, DriverPodListener> listeners = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();

    FakeKubernetesOperations(FailureScript script, boolean gated) {
        this.script = script;
        this.gate = gated ? new Semaphore(0) : null;
    }

    public static FakeKubernetesOperations succeeding() {
        return new FakeKubernetesOperations((app, attempt) -> null, false);
    }

    /** Lets held creations through, for good. */
    void openGate() {
        gate.release(1_000_000);
    }

    @Override
    public CreatedResources create(KubernetesDriverSpec spec) {
        String appName = spec.driverSparkConf().get("spark.app.name").orElse("?");
        String appId = spec.driverPod().getMetadata().getLabels().get(DriverLabelsStep.APP_ID_LABEL);
        int attempt = attempts.computeIfAbsent(appId, k -> new AtomicInteger()).incrementAndGet();
        createCalls.add(new CreateCall(appName, appId, attempt, System.nanoTime()));
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            if (gate != null && !gate.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            RuntimeException failure = script.failure(appName, attempt);
            if (failure != null) {
                throw new ResourceCreationException("creating Pod " + spec.driverPod().getMetadata().getName()
                    + " failed: " + failure.getMessage(), failure);
            }
            Pod pod = new PodBuilder(spec.podWithDriverContainer()).editMetadata()
                .withUid(UUID.randomUUID().toString()).endMetadata()
                .withNewStatus().withPhase("Pending").endStatus().build();
            pods.put(key(pod), pod);
            DriverPodListener listener = listeners.get(pod.getMetadata().getNamespace());
            if (listener != null) {
                listener.onPod(pod);
            }
            return new CreatedResources(pod, List.<HasMetadata>copyOf(spec.otherKubernetesResources()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            concurrent.decrementAndGet();
        }
    }

    @Override
    public void deleteLeftovers(String namespace, String appId) {
        leftoverDeletions.add(appId);
        pods.values().removeIf(p -> appId.equals(p.getMetadata().getLabels().get(DriverLabelsStep.APP_ID_LABEL)));
    }

    @Override
    public List<Pod> listDriverPods(String namespace, String appId) {
        return pods.values().stream()
            .filter(p -> namespace.equals("*") || namespace.equals(p.getMetadata().getNamespace()))
            .filter(p -> "driver".equals(p.getMetadata().getLabels().get(DriverLabelsStep.ROLE_LABEL)))
            .filter(p -> appId == null || appId.equals(p.getMetadata().getLabels().get(DriverLabelsStep.APP_ID_LABEL)))
            .toList();
    }

    @Override
    public boolean deleteDriverPod(String namespace, String podName) {
        podDeletions.add(namespace + "/" + podName);
        Pod pod = pods.remove(namespace + "/" + podName);
        if (pod != null && listeners.containsKey(namespace)) {
            listeners.get(namespace).onPodDeleted(pod);
        }
        return pod != null;
    }

    @Override
    public CompletionStage<DriverPodWatch> watchDriverPods(String namespace, Duration resync,
        DriverPodListener listener) {
        watchesStarted.computeIfAbsent(namespace, k -> new AtomicInteger()).incrementAndGet();
        listeners.put(namespace, listener);
        pods.values().stream().filter(p -> namespace.equals(p.getMetadata().getNamespace())).forEach(listener::onPod);
        return CompletableFuture.completedFuture(() -> listeners.remove(namespace));
    }

    /** Moves a driver pod to {@code phase}, its driver container terminated with {@code exitCode} if given. */
    public void setPhase(String namespace, String podName, String phase, Integer exitCode, String reason) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listeners.containsKey(namespace));
        Pod pod = pods.computeIfPresent(namespace + "/" + podName, (k, p) -> {
            PodBuilder b = new PodBuilder(p).editOrNewStatus().withPhase(phase).endStatus();
            if (exitCode != null) {
                b.editStatus().addNewContainerStatus().withName("spark-kubernetes-driver").withNewState()
                    .withNewTerminated().withExitCode(exitCode).withReason(reason).endTerminated().endState()
                    .endContainerStatus().endStatus();
            }
            return b.build();
        });
        listeners.get(namespace).onPod(pod);
    }

    int attemptsOf(String appName) {
        return (int) createCalls.stream().filter(c -> c.appName().equals(appName)).count();
    }

    static KubernetesClientException httpError(int code, String message, Integer retryAfterSeconds) {
        StatusBuilder status = new StatusBuilder().withCode(code).withMessage(message);
        if (retryAfterSeconds != null) {
            status.withNewDetails().withRetryAfterSeconds(retryAfterSeconds).endDetails();
        }
        return new KubernetesClientException(status.build());
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
