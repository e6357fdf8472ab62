package io.sparkk8s.it.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The processes a benchmark compares: our staging server in its own JVM (as in production) and
 * nginx (Debian's nginx-light, WebDAV PUT for uploads, sendfile for downloads) on the same disk, plus
 * curl as the common client.
 */
final class BenchEnvironment {

    static final Path OUT = Path.of(System.getProperty("sparkk8s.bench.out", "target/bench"));
    static final Path WORK = Path.of(System.getProperty("sparkk8s.bench.work", "target/bench-work"));

    private BenchEnvironment() {
    }

    /** A child process we started and must stop. */
    record Child(Process process, int port, Path log) implements AutoCloseable {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** Peak resident set size of the process (VmHWM), in bytes. */
        long peakRssBytes() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Our server in a new JVM with {@code jvmOptions}, its store under {@code store}. */
    static Child startStagingServer(Path store, String... jvmOptions) throws Exception {
        int port = freePort();
        Path log = Files.createDirectories(WORK).resolve("staging-server-" + port + ".log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classpath, "io.sparkk8s.http.staging.ResourceStagingServerMain",
            "--host", "127.0.0.1", "--port", String.valueOf(port), "--store-root", store.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child child = new Child(process, port, log);
        awaitUp(child.uri("/api/v0/ping"), process);
        return child;
    }

    /** nginx serving {@code root} (GET with sendfile, PUT under /up/) on a free port. */
    static Child startNginx(Path root) throws Exception {
        int port = freePort();
        Path dir = Files.createDirectories(WORK.resolve("nginx-" + port));
        Files.createDirectories(dir.resolve("body-tmp"));
        Files.createDirectories(root.resolve("up"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, String.join("\n",
            "user root;",
            "worker_processes 2;",
            "daemon off;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + ";",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  sendfile on;",
            "  tcp_nopush on;",
            "  client_max_body_size 0;",
            "  client_body_buffer_size 1m;",
            "  client_body_temp_path " + dir.resolve("body-tmp") + ";",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    root " + root + ";",
            "    location /up/ { dav_methods PUT DELETE; create_full_put_path on; }",
            "  }",
            "}", ""));
        Path log = dir.resolve("stdout.log");
        Process process = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child child = new Child(process, port, log);
        Files.writeString(root.resolve("ping"), "pong");
        awaitUp(child.uri("/ping"), process);
        return child;
    }

    private static void awaitUp(URI ping, Process process) {
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(ping + ": the process exited with " + process.exitValue());
            }
            try {
                return client.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Runs a shell command, returns its stdout; fails on a non-zero exit. */
    static String sh(String command) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", "set -o pipefail; " + command)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + process.exitValue() + ": " + out);
        }
        return out.trim();
    }

    /** Seconds a shell command takes. */
    static double timed(String command) throws Exception {
        long start = System.nanoTime();
        sh(command);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Writes a file of {@code bytes} zero bytes through the page cache to disk. */
    static Path zeroFile(Path file, long bytes) throws Exception {
        if (!Files.exists(file) || Files.size(file) != bytes) {
            sh("head -c " + bytes + " /dev/zero > " + file + " && sync " + file);
        }
        return file;
    }

    static String gbPerSecond(long bytes, double seconds) {
        return String.format(Locale.ROOT, "%.2f", bytes / seconds / 1e9);
    }

    static String f2(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static void write(String name, String markdown) throws IOException {
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve(name + ".md"), markdown);
        System.out.println(markdown);
    }

    static String machine() throws Exception {
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
            + sh("awk '/MemTotal/ {printf \"%.0f GiB RAM\", $2/1048576}' /proc/meminfo") + ", JDK "
            + System.getProperty("java.version") + ", " + sh("nginx -v 2>&1") + ", "
            + sh("curl --version | head -1 | cut -d' ' -f1-2") + ". Load average at the end: "
            + sh("cut -d' ' -f1-3 /proc/loadavg") + " (shared machine: other jobs run beside the benchmark).";
    }

    static long sizeProperty(String name, long defaultBytes) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultBytes;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = v.endsWith("g") ? 1L << 30 : v.endsWith("m") ? 1L << 20 : v.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
