package io.sparkk8s.it;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code kube-controller-manager} beside the test API server, running the controllers our tests
 * rely on: the garbage collector (owned objects go with their owner) and the namespace controller
 * (a deleted namespace is emptied and removed). kube-api-test does not start one.
 */
final class ControllerManagerProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerManagerProcess.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Controllers we need; the rest (nodes, replication, ...) have no work without kubelets. */
    static final String CONTROLLERS = "garbagecollector,namespace,serviceaccount";

    private final Process process;
    private final Path log;

    private ControllerManagerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ControllerManagerProcess start(Path binary, Path kubeconfig) throws IOException {
        int port = LocalProcesses.freePort();
        Path logDir = Files.createDirectories(Path.of("target", "kube-logs"));
        Path log = logDir.resolve("kube-controller-manager-" + INSTANCES.incrementAndGet() + ".log");
        Path certDir = Files.createTempDirectory("kcm-certs");
        List<String> command = List.of(binary.toString(),
            "--kubeconfig=" + kubeconfig,
            "--authentication-kubeconfig=" + kubeconfig,
            "--authorization-kubeconfig=" + kubeconfig,
            // The test API server has no front-proxy CA; do not wait for one to serve /healthz.
            "--authentication-skip-lookup=true",
            "--controllers=" + CONTROLLERS,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=" + port,
            "--cert-dir=" + certDir,
            "--v=1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        ControllerManagerProcess kcm = new ControllerManagerProcess(process, log);
        // A test JVM stopped by a signal (a fork timeout, Ctrl-C) must not leave the process behind.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-kube-controller-manager"));
        try {
            kcm.awaitHealthy(port);
        } catch (RuntimeException e) {
            kcm.stop();
            throw new IllegalStateException("kube-controller-manager did not become healthy; its log: " + log
                + "\n" + kcm.logTail(), e);
        }
        LOG.info("kube-controller-manager healthy on port {} (log {})", port, log);
        return kcm;
    }

    private void awaitHealthy(int port) {
        // HTTP/1.1: the JDK client's HTTP/2 upgrade is refused (GOAWAY) by the controller-manager.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(2)).build();
        Awaitility.await("kube-controller-manager /healthz")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsMatching(e -> e instanceof IOException)
            .until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kube-controller-manager exited with " + process.exitValue());
                }
                return http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            });
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private String logTail() {
        return LocalProcesses.logTail(log);
    }

    /**
     * Only for reaching our own local controller-manager's self-signed health endpoint. An
     * {@link X509ExtendedTrustManager} also takes over the host name check the JDK would do.
     */
    private static SSLContext trustAll() {
        try {
            TrustManager trustEverything = new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustEverything}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
