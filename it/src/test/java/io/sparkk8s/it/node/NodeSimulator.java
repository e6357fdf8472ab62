package io.sparkk8s.it.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test-only kubelet for the real API server, which has no nodes: it watches the pods of a
 * namespace and, for each new pod, does what a kubelet does with it — materialises its volumes
 * (emptyDir as temporary directories shared by its containers, ConfigMap and Secret volumes from the
 * API server, waiting for them as a kubelet retries a mount), runs its init-containers in order and
 * then its containers, each for real as a local process when its image is a {@link LocalImage}, and
 * reports every step through the pod's status subresource: Pending (init-containers waiting, then
 * running) → Running → Succeeded or Failed, with container states, exit codes, reasons and messages.
 *
 * <p>Differences from a kubelet, all on purpose: containers of an image without a {@link LocalImage}
 * are not run and end at once with exit code 0 (a Spark driver cannot run here); there is no mount
 * namespace, so container paths under a volume mount are translated to host paths in the process's
 * arguments, environment and ConfigMap files ({@link ContainerPaths}); and since a process cannot
 * write the container's {@code terminationMessagePath} here, a failed container's message falls back
 * to the tail of its log under either policy. Only {@code restartPolicy: Never} is modelled (a
 * failed init-container fails the pod), which is what Spark's driver and executor pods use.
 */
public final class NodeSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSimulator.class);
    private static final String POD_IP = "127.0.0.1";
    private static final Duration MOUNT_WAIT = Duration.ofSeconds(60);
    private static final Duration CONTAINER_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 80;
    private static final int LOG_TAIL_BYTES = 2048;

    private final KubernetesClient client;
    private final String namespace;
    private final List<LocalImage> images;
    private final Path workDir;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "node-simulator");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Path> podDirs = new ConcurrentHashMap<>();
    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<Pod> informer;

    private NodeSimulator(KubernetesClient client, String namespace, Path workDir, List<LocalImage> images) {
        this.client = client;
        this.namespace = namespace;
        this.workDir = workDir;
        this.images = List.copyOf(images);
        this.informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                consider(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                consider(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                // a deleted pod's processes end on their own; its status can no longer be written
            }
        });
    }

    /**
     * Starts watching the pods of {@code namespace}.
     *
     * @param workDir where pod directories (volumes, container logs) are made
     * @param images the images run for real, and how
     */
    public static NodeSimulator start(KubernetesClient client, String namespace, Path workDir, LocalImage... images) {
        return new NodeSimulator(client, namespace, workDir, List.of(images));
    }

    /** The host directory of {@code volume} of pod {@code podName} (an emptyDir), once the pod was started. */
    public Optional<Path> volumeDirectory(String podName, String volume) {
        return Optional.ofNullable(podDirs.get(podName)).map(d -> d.resolve("volumes").resolve(volume));
    }

    /** The output (stdout and stderr) of a container that was run, once it started. */
    public Optional<String> containerLog(String podName, String container) {
        return Optional.ofNullable(podDirs.get(podName)).map(d -> d.resolve("containers").resolve(container)
            .resolve("log")).filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
    }

    private void consider(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (pod.getMetadata().getDeletionTimestamp() == null && (phase == null || phase.equals("Pending"))
            && seen.add(pod.getMetadata().getUid())) {
            runner.submit(() -> {
                try {
                    run(pod);
                } catch (PodGoneException e) {
                    LOG.info("pod {} was deleted while it ran", pod.getMetadata().getName());
                } catch (Exception | Error e) {
                    LOG.error("node simulator failed on pod {}", pod.getMetadata().getName(), e);
                }
            });
        }
    }

    private void run(Pod pod) throws Exception {
        String name = pod.getMetadata().getName();
        Path podDir = Files.createDirectories(workDir.resolve(name + "-" + pod.getMetadata().getUid()
            .substring(0, 8)));
        podDirs.put(name, podDir);
        List<Container> inits = Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of());
        List<Container> mains = pod.getSpec().getContainers();
        Instant startTime = Instant.now();
        List<ContainerStatus> initStatuses = new ArrayList<>();
        inits.forEach(c -> initStatuses.add(status(c, waiting("PodInitializing", null), false)));
        List<ContainerStatus> mainStatuses = new ArrayList<>();
        mains.forEach(c -> mainStatuses.add(status(c, waiting("PodInitializing", null), false)));
        publish(name, "Pending", startTime, initStatuses, mainStatuses, false, false);

        Map<String, Path> emptyDirs = new HashMap<>();
        for (Volume volume : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
            if (volume.getConfigMap() == null && volume.getSecret() == null) {
                emptyDirs.put(volume.getName(), Files.createDirectories(podDir.resolve("volumes").resolve(
                    volume.getName())));
            }
        }

        for (int i = 0; i < inits.size(); i++) {
            Container c = inits.get(i);
            initStatuses.set(i, status(c, running(), false));
            publish(name, "Pending", startTime, initStatuses, mainStatuses, false, false);
            ContainerResult result = runContainer(pod, c, podDir, emptyDirs);
            initStatuses.set(i, status(c, result.state(), false));
            if (result.exitCode() != 0) {
                publish(name, "Failed", startTime, initStatuses, mainStatuses, false, false);
                return;
            }
        }
        for (int i = 0; i < mains.size(); i++) {
            mainStatuses.set(i, status(mains.get(i), running(), true));
        }
        publish(name, "Running", startTime, initStatuses, mainStatuses, true, true);
        boolean allSucceeded = true;
        for (int i = 0; i < mains.size(); i++) {
            ContainerResult result = runContainer(pod, mains.get(i), podDir, emptyDirs);
            mainStatuses.set(i, status(mains.get(i), result.state(), false));
            allSucceeded &= result.exitCode() == 0;
        }
        publish(name, allSucceeded ? "Succeeded" : "Failed", startTime, initStatuses, mainStatuses, true, false);
    }

    private record ContainerResult(int exitCode, ContainerState state) {
    }

    private ContainerResult runContainer(Pod pod, Container c, Path podDir, Map<String, Path> emptyDirs)
        throws IOException, InterruptedException {
        Instant started = Instant.now();
        Optional<LocalImage> image = images.stream().filter(i -> i.matches(c.getImage())).findFirst();
        LOG.info("pod {}: starting container {} (image {})", pod.getMetadata().getName(), c.getName(), c.getImage());
        if (image.isEmpty()) {
            LOG.info("pod {}: container {} (image {}) is not run here; it ends with exit code 0",
                pod.getMetadata().getName(), c.getName(), c.getImage());
            return new ContainerResult(0, terminated(0, "Completed", null, started));
        }
        Path containerDir = Files.createDirectories(podDir.resolve("containers").resolve(c.getName()));
        Map<String, Path> mounts = new LinkedHashMap<>();
        Map<String, Volume> volumes = new HashMap<>();
        Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of()).forEach(v -> volumes.put(v.getName(), v));
        List<PendingConfigMap> configMaps = new ArrayList<>();
        for (VolumeMount mount : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
            Volume volume = volumes.get(mount.getName());
            Path host;
            if (volume != null && volume.getConfigMap() != null) {
                host = Files.createDirectories(containerDir.resolve("volumes").resolve(volume.getName()));
                ConfigMap configMap = awaitConfigMap(volume.getConfigMap().getName());
                configMaps.add(new PendingConfigMap(host, Optional.ofNullable(configMap.getData()).orElse(Map.of()),
                    volume.getConfigMap().getItems()));
            } else if (volume != null && volume.getSecret() != null) {
                host = Files.createDirectories(containerDir.resolve("volumes").resolve(volume.getName()));
                Secret secret = awaitSecret(volume.getSecret().getSecretName());
                Map<String, byte[]> decoded = new HashMap<>();
                Optional.ofNullable(secret.getData()).orElse(Map.of()).forEach((k, v) -> decoded.put(k,
                    Base64.getDecoder().decode(v)));
                writeFiles(host, decoded, volume.getSecret().getItems());
            } else {
                host = emptyDirs.computeIfAbsent(mount.getName(), n -> podDir.resolve("volumes").resolve(n));
                Files.createDirectories(host);
            }
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                host = host.resolve(mount.getSubPath());
            }
            mounts.put(mount.getMountPath(), host);
        }
        Path terminationLog = Files.writeString(containerDir.resolve("termination-log"), "");
        mounts.put(Optional.ofNullable(c.getTerminationMessagePath()).orElse("/dev/termination-log"), terminationLog);
        ContainerPaths paths = new ContainerPaths(mounts);
        for (PendingConfigMap configMap : configMaps) {
            Map<String, byte[]> translated = new HashMap<>();
            configMap.data().forEach((k, v) -> translated.put(k, paths.translate(v).getBytes(StandardCharsets.UTF_8)));
            writeFiles(configMap.dir(), translated, configMap.items());
        }

        List<String> argv = new ArrayList<>();
        List<String> command = Optional.ofNullable(c.getCommand()).orElse(List.of());
        argv.addAll(command.isEmpty() ? image.get().entrypoint() : command.stream().map(paths::translate).toList());
        Optional.ofNullable(c.getArgs()).orElse(List.of()).stream().map(paths::translate).forEach(argv::add);
        Path log = containerDir.resolve("log");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(containerDir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(Set.of("PATH", "JAVA_HOME", "HOME", "LANG", "TMPDIR"));
        env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOSTNAME", pod.getMetadata().getName());
        for (EnvVar var : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            resolve(pod, var).map(paths::translate).ifPresent(v -> env.put(var.getName(), v));
        }
        LOG.info("pod {}: running container {}: {}", pod.getMetadata().getName(), c.getName(), argv);
        Process process = builder.start();
        processes.add(process);
        try {
            if (!process.waitFor(CONTAINER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new ContainerResult(137, terminated(137, "DeadlineExceeded", "ran longer than "
                    + CONTAINER_TIMEOUT, started));
            }
        } finally {
            processes.remove(process);
        }
        int exit = process.exitValue();
        String message = Files.readString(terminationLog).strip();
        if (message.isEmpty() && exit != 0) {
            message = tail(Files.readString(log));
        }
        return new ContainerResult(exit, terminated(exit, exit == 0 ? "Completed" : "Error",
            message.isEmpty() ? null : message, started));
    }

    /** A ConfigMap volume, written once the container's paths are known (its text is translated). */
    private record PendingConfigMap(Path dir, Map<String, String> data, List<KeyToPath> items) {
    }

    /** Writes a volume's keys as files: all keys by their names, or only the listed items at their paths. */
    private static void writeFiles(Path dir, Map<String, byte[]> content, List<KeyToPath> items) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            content.keySet().forEach(k -> files.put(k, k));
        } else {
            items.forEach(i -> files.put(i.getKey(), i.getPath()));
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (content.containsKey(file.getKey())) {
                Path path = dir.resolve(file.getValue());
                Files.createDirectories(path.getParent());
                Files.write(path, content.get(file.getKey()));
            }
        }
    }

    private Optional<String> resolve(Pod pod, EnvVar var) {
        if (var.getValue() != null) {
            return Optional.of(var.getValue());
        }
        if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
            return switch (var.getValueFrom().getFieldRef().getFieldPath()) {
                case "metadata.name" -> Optional.of(pod.getMetadata().getName());
                case "metadata.namespace" -> Optional.of(namespace);
                case "status.podIP", "status.hostIP" -> Optional.of(POD_IP);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    private ConfigMap awaitConfigMap(String name) throws InterruptedException {
        return await("ConfigMap " + name, () -> client.configMaps().inNamespace(namespace).withName(name).get());
    }

    private Secret awaitSecret(String name) throws InterruptedException {
        return await("Secret " + name, () -> client.secrets().inNamespace(namespace).withName(name).get());
    }

    /** Waits for a volume's source object as a kubelet retries a mount (bounded). */
    private static <T> T await(String what, java.util.function.Supplier<T> get) throws InterruptedException {
        Instant deadline = Instant.now().plus(MOUNT_WAIT);
        long backoff = 50;
        while (true) {
            T found = get.get();
            if (found != null) {
                return found;
            }
            LOG.info("waiting for {} to mount it", what);
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not appear within " + MOUNT_WAIT + " (mount failed)");
            }
            Thread.sleep(backoff);
            backoff = Math.min(1000, backoff * 2);
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        return tail.length() > LOG_TAIL_BYTES ? tail.substring(tail.length() - LOG_TAIL_BYTES) : tail;
    }

    private void publish(String name, String phase, Instant startTime, List<ContainerStatus> initStatuses,
        List<ContainerStatus> mainStatuses, boolean initialized, boolean ready) {
        String now = Instant.now().toString();
        List<PodCondition> conditions = List.of(
            condition("PodScheduled", true, now),
            condition("Initialized", initialized, now),
            condition("ContainersReady", ready, now),
            condition("Ready", ready, now));
        PodStatus status = new PodStatusBuilder()
            .withPhase(phase)
            .withConditions(conditions)
            .withHostIP(POD_IP).addNewHostIP(POD_IP)
            .withPodIP(POD_IP).addNewPodIP(POD_IP)
            .withStartTime(startTime.toString())
            .withInitContainerStatuses(List.copyOf(initStatuses))
            .withContainerStatuses(List.copyOf(mainStatuses))
            .build();
        try {
            client.pods().inNamespace(namespace).withName(name)
                .editStatus(p -> new PodBuilder(p).withStatus(status).build());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new PodGoneException();
            }
            throw e;
        }
        LOG.info("pod {}: {}", name, phase);
    }

    private static PodCondition condition(String type, boolean value, String now) {
        return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False")
            .withLastTransitionTime(now).build();
    }

    private static ContainerStatus status(Container c, ContainerState state, boolean ready) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
            .withImageID("simulated://" + c.getImage()).withReady(ready).withRestartCount(0)
            .withStarted(state.getRunning() != null).withState(state).build();
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting()
            .build();
    }

    private static ContainerState running() {
        return new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString()).endRunning()
            .build();
    }

    private static ContainerState terminated(int exitCode, String reason, String message, Instant started) {
        return new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
            .withMessage(message).withStartedAt(started.toString()).withFinishedAt(Instant.now().toString())
            .endTerminated().build();
    }

    private static final class PodGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public void close() {
        informer.close();
        processes.forEach(Process::destroyForcibly);
        runner.shutdownNow();
    }
}
