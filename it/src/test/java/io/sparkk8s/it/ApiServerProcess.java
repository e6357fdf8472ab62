package io.sparkk8s.it;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One more {@code kube-apiserver} on the test class's etcd, beside the one kube-api-test runs: the
 * same binary, certificates, service-account key, client CA and flags (including the class's
 * {@link ApiServerFlags}), copied from the running server's command line, on a port of its own. The
 * two form a real highly available control plane: both serve the same objects, and a watch on one
 * sees writes made through the other.
 *
 * <p>A test can {@link #stop()} this server and {@link #start()} it again on the same address while
 * etcd, the class's main API server and its kube-controller-manager keep running, which is an API
 * server restart as clients on a cluster see it. kube-api-test's own server cannot be stopped alone:
 * its process-exit handler stops etcd and deletes its data.
 *
 * <p>A test method gets one by declaring a parameter of this type (see
 * {@link KubernetesApiServerExtension}); it is stopped after that method.
 */
public final class ApiServerProcess implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerProcess.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command;
    private final String masterUrl;
    private final Config config;
    private final KubernetesClient client;
    private final Path log;
    private final Thread shutdownHook;
    private volatile Process process;

    private ApiServerProcess(List<String> command, int port, String masterUrl, Config config, Path log) {
        this.command = List.copyOf(command);
        this.masterUrl = masterUrl;
        this.config = config;
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        this.log = log;
        // A test JVM stopped by a signal (a fork timeout, Ctrl-C) must not leave the process behind.
        this.shutdownHook = new Thread(() -> {
            Process running = process;
            if (running != null) {
                running.destroyForcibly();
            }
        }, "stop-extra-kube-apiserver-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a second API server beside the running one at {@code mainMasterUrl} (a child process of
     * this JVM started by kube-api-test) and waits until it is ready.
     *
     * @param mainMasterUrl the URL of kube-api-test's server, e.g. {@code https://127.0.0.1:41234}
     * @param mainKubeconfigYaml the kubeconfig of that server; the new one is reached with the same
     *     credentials
     */
    static ApiServerProcess startBeside(String mainMasterUrl, String mainKubeconfigYaml) throws IOException {
        URI mainUri = URI.create(mainMasterUrl);
        int mainPort = mainUri.getPort();
        ProcessHandle main = ProcessHandle.current().descendants()
            .filter(p -> p.info().command().map(c -> c.endsWith("/kube-apiserver")).orElse(false))
            .filter(p -> securePort(p.info().arguments().orElse(new String[0])).equals(Optional.of(mainPort)))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no kube-apiserver child process of this JVM serves port "
                + mainPort + "; cannot copy its flags"));
        List<String> command = new ArrayList<>();
        command.add(main.info().command().orElseThrow());
        command.addAll(Arrays.asList(main.info().arguments().orElseThrow()));
        int port = LocalProcesses.freePort();
        List<String> ours = withSecurePort(command, port);
        String url = "https://" + mainUri.getHost() + ":" + port;
        if (!mainKubeconfigYaml.contains(mainMasterUrl)) {
            throw new IllegalStateException("the main kubeconfig does not name " + mainMasterUrl);
        }
        Config config = Config.fromKubeconfig(mainKubeconfigYaml.replace(mainMasterUrl, url));
        Path logDir = Files.createDirectories(Path.of("target", "kube-logs"));
        Path log = logDir.resolve("kube-apiserver-extra-" + INSTANCES.incrementAndGet() + ".log");
        ApiServerProcess server = new ApiServerProcess(ours, port, url, config, log);
        server.start();
        return server;
    }

    /** The URL of this server, e.g. {@code https://127.0.0.1:41235}; the same across restarts. */
    public String masterUrl() {
        return masterUrl;
    }

    /** A client configuration for this server, with the main server's credentials (cluster-admin). */
    public Config config() {
        return config;
    }

    /** A cluster-admin client for this server, closed with it. */
    public KubernetesClient client() {
        return client;
    }

    /** Whether the process is running. */
    public boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /**
     * Starts the server on its address and waits until its {@code /readyz} answers {@code ok}.
     *
     * @throws IllegalStateException if it is running, or does not become ready in time (with its log's tail)
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("kube-apiserver at " + masterUrl + " is already running");
        }
        long started = System.nanoTime();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.get(0), e);
        }
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException("kube-apiserver at " + masterUrl + " did not become ready; its log: "
                + log + "\n" + logTail(), e);
        }
        LOG.info("extra kube-apiserver ready at {} in {} ms (log {})", masterUrl,
            (System.nanoTime() - started) / 1_000_000, log);
    }

    /**
     * Stops the server as a rolling restart does (SIGTERM, then SIGKILL after 30 s) and waits until the
     * process has exited, so its port is free. Etcd and the other API server keep running. Does nothing
     * if it is not running.
     */
    public synchronized void stop() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        }
        process = null;
        LOG.info("extra kube-apiserver at {} stopped", masterUrl);
    }

    @Override
    public void close() {
        client.close();
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs anyway and finds nothing to stop.
        }
    }

    private void awaitReady() {
        HttpClient http = client.getHttpClient();
        Awaitility.await("kube-apiserver " + masterUrl + " /readyz")
            .atMost(STARTUP_TIMEOUT)
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(() -> {
                Process running = process;
                if (running == null || !running.isAlive()) {
                    throw new IllegalStateException("kube-apiserver exited"
                        + (running == null ? "" : " with " + running.exitValue()));
                }
                HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
                    .uri(masterUrl + "/readyz").build(), String.class).get(5, TimeUnit.SECONDS);
                return response.code() == 200;
            });
    }

    private static Optional<Integer> securePort(String[] arguments) {
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i].equals("--secure-port") && i + 1 < arguments.length) {
                return Optional.of(Integer.parseInt(arguments[i + 1]));
            }
            if (arguments[i].startsWith("--secure-port=")) {
                return Optional.of(Integer.parseInt(arguments[i].substring("--secure-port=".length())));
            }
        }
        return Optional.empty();
    }

    private static List<String> withSecurePort(List<String> command, int port) {
        List<String> result = new ArrayList<>(command);
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i).equals("--secure-port") && i + 1 < result.size()) {
                result.set(i + 1, String.valueOf(port));
                return result;
            }
            if (result.get(i).startsWith("--secure-port=")) {
                result.set(i, "--secure-port=" + port);
                return result;
            }
        }
        throw new IllegalStateException("no --secure-port in " + command);
    }

    private String logTail() {
        return LocalProcesses.logTail(log);
    }
}
