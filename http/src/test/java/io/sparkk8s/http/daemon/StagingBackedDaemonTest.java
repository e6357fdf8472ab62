package io.sparkk8s.http.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.staging.client.ResourceStagingClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For the multipart tests: a real resource staging server on a loopback port (store under {@code
 * dir/store}) and a {@link DaemonTestServer} that streams multipart bundles to it, both with the
 * subclass's bundle limit, started for each test.
 */
abstract class StagingBackedDaemonTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SUBMISSION = "{\"name\":\"etl\",\"namespace\":\"team-a\",\"mainClass\":\"com.example.Etl\","
        + "\"primaryResource\":\"etl.jar\",\"jars\":[\"dep.jar\"],\"files\":[\"job.conf\"],\"conf\":{"
        + "\"spark.kubernetes.container.image\":\"apache/spark:3.5.3\"}}";

    static final String BOUNDARY = "spark-k8s-test-boundary-7d1f";

    static ActorSystem<Void> system;

    @TempDir
    Path dir;
    Path store;
    ResourceStagingServer staging;
    ResourceStagingClient stagingClient;
    DaemonTestServer server;

    /** The staging server's and the daemon's largest bundle. */
    abstract long maxBundle();

    /** The daemon's request timeout. */
    abstract Duration requestTimeout();

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "staging-backed-daemon-test");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        DaemonTestServer.terminate(system);
    }

    @BeforeEach
    void startServers() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        staging = ResourceStagingServer.start(system, new StagingServerSettings("127.0.0.1", 0, store, maxBundle(),
                64 * 1024, Duration.ofSeconds(30), null, Duration.ofMinutes(30), Duration.ofMinutes(1),
                Optional.empty()))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        stagingClient = new ResourceStagingClient(system, stagingUri, Optional.empty());
        server = new DaemonTestServer(system, dir, requestTimeout(), Optional.of(new UploadSettings(
            Optional.of(stagingUri), "http://staging.spark.svc:10000", maxBundle(), Duration.ofMinutes(5))));
    }

    @AfterEach
    void stopServers() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One part of a multipart body. */
    record Part(String name, String contentType, byte[] data) {
    }

    static Part part(String name, String contentType, byte[] data) {
        return new Part(name, contentType, data);
    }

    static Part part(String name, String contentType, String data) {
        return new Part(name, contentType, data.getBytes(StandardCharsets.UTF_8));
    }

    /** A multipart/form-data body with {@link #BOUNDARY}; parts other than JSON carry a file name. */
    static byte[] multipart(Part... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                + (p.contentType().equals("application/json") ? "" : "; filename=\"" + p.name() + ".tar\"")
                + "\r\nContent-Type: " + p.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(p.data());
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** {@code size} bytes, the same for the same size. */
    static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    /** Every regular file under the staging store. */
    List<Path> storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
