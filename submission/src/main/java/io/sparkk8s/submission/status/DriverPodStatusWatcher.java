package io.sparkk8s.submission.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Follows a driver pod until it finishes: reports every phase change at once and the current state
 * every {@code spark.kubernetes.report.interval}. It is built on a fabric8 informer, which relists
 * when the watch expires (410 Gone) or drops, so no state change is lost across reconnects.
 */
public final class DriverPodStatusWatcher {

    /** How the watched driver ended. */
    public enum Outcome {
        /** Phase Succeeded. */
        SUCCEEDED,
        /** Phase Failed. */
        FAILED,
        /** The pod was deleted before it finished (killed). */
        DELETED
    }

    /**
     * The end of a watch.
     *
     * @param outcome how the driver ended
     * @param lastSeen the pod as last seen, if it was ever seen
     */
    public record Result(Outcome outcome, Optional<Pod> lastSeen) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String podName;
    private final Duration reportInterval;
    private final Consumer<String> report;
    private final Clock clock;

    /**
     * @param client the client to watch with
     * @param namespace the driver pod's namespace
     * @param podName the driver pod's name
     * @param reportInterval how often to report the state when nothing changes
     * @param report where status lines go (the CLI's stderr / log)
     */
    public DriverPodStatusWatcher(KubernetesClient client, String namespace, String podName, Duration reportInterval,
        Consumer<String> report) {
        this(client, namespace, podName, reportInterval, report, Clock.systemUTC());
    }

    DriverPodStatusWatcher(KubernetesClient client, String namespace, String podName, Duration reportInterval,
        Consumer<String> report, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
        this.reportInterval = reportInterval;
        this.report = report;
        this.clock = clock;
    }

    /** Blocks until the driver pod succeeds, fails or is deleted. */
    public Result awaitCompletion() throws InterruptedException {
        BlockingQueue<Optional<Pod>> events = new LinkedBlockingQueue<>();
        SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withName(podName)
            .inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    events.add(Optional.of(pod));
                }

                @Override
                public void onUpdate(Pod oldPod, Pod newPod) {
                    events.add(Optional.of(newPod));
                }

                @Override
                public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                    events.add(Optional.empty());
                }
            });
        try {
            Pod last = null;
            String lastPhase = null;
            long nextReport = clock.millis() + reportInterval.toMillis();
            while (true) {
                Optional<Pod> event = events.poll(Math.max(1, nextReport - clock.millis()), TimeUnit.MILLISECONDS);
                if (event == null) {
                    report.accept("Application status for " + podName + " (phase: "
                        + (lastPhase == null ? "not seen yet" : lastPhase) + ")");
                    nextReport = clock.millis() + reportInterval.toMillis();
                    continue;
                }
                if (event.isEmpty()) {
                    report.accept("Driver pod " + namespace + "/" + podName + " was deleted");
                    return new Result(Outcome.DELETED, Optional.ofNullable(last));
                }
                last = event.get();
                String phase = phase(last);
                if (!phase.equals(lastPhase)) {
                    report.accept(describe(last));
                    lastPhase = phase;
                }
                if (phase.equals("Succeeded")) {
                    return new Result(Outcome.SUCCEEDED, Optional.of(last));
                }
                if (phase.equals("Failed")) {
                    return new Result(Outcome.FAILED, Optional.of(last));
                }
            }
        } finally {
            informer.close();
        }
    }

    /**
     * One line describing the pod's state: phase, each init-container's and container's state, and the
     * termination message of a container that failed (the init-container names the dependency it
     * could not localize there).
     */
    public static String describe(Pod pod) {
        PodStatus status = pod.getStatus();
        String init = status == null ? "" : describeAll(" init-containers: [", status.getInitContainerStatuses());
        String containers = status == null ? "" : describeAll(" containers: [", status.getContainerStatuses());
        return "Driver pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " phase: "
            + phase(pod) + init + containers;
    }

    private static String describeAll(String prefix, List<ContainerStatus> statuses) {
        return statuses == null || statuses.isEmpty() ? ""
            : statuses.stream().map(DriverPodStatusWatcher::describe).collect(Collectors.joining(", ", prefix, "]"));
    }

    /** The pod's phase, {@code Unknown} when it has none yet. */
    public static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown" : pod.getStatus().getPhase();
    }

    private static String describe(ContainerStatus status) {
        if (status.getState() == null) {
            return status.getName() + "=unknown";
        }
        if (status.getState().getTerminated() != null) {
            ContainerStateTerminated terminated = status.getState().getTerminated();
            String message = terminated.getExitCode() != null && terminated.getExitCode() != 0
                ? Optional.ofNullable(terminated.getMessage()).map(String::strip).filter(m -> !m.isEmpty())
                    .map(m -> ": " + m.replace('\n', ';')).orElse("")
                : "";
            return status.getName() + "=terminated(exit " + terminated.getExitCode()
                + Optional.ofNullable(terminated.getReason()).map(r -> ", " + r).orElse("") + message + ")";
        }
        if (status.getState().getWaiting() != null) {
            return status.getName() + "=waiting(" + status.getState().getWaiting().getReason() + ")";
        }
        return status.getName() + "=running";
    }
}
