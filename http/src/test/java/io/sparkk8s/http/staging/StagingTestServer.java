package io.sparkk8s.http.staging;

import io.sparkk8s.staging.store.BlobStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;

/** A staging server on a loopback port over a store in a temporary directory. */
final class StagingTestServer implements AutoCloseable {

    final ResourceStagingServer server;
    final Path root;
    final URI base;

    private StagingTestServer(ResourceStagingServer server, Path root, String scheme) {
        this.server = server;
        this.root = root;
        this.base = URI.create(scheme + "://127.0.0.1:" + server.binding().localAddress().getPort());
    }

    static StagingServerSettings settings(Path root, long maxBundleSize) {
        return new StagingServerSettings("127.0.0.1", 0, root, maxBundleSize, 64 * 1024, Duration.ofSeconds(30),
            null, Duration.ofMinutes(30), Duration.ofMinutes(1), Optional.empty());
    }

    static StagingTestServer start(ActorSystem<?> system, StagingServerSettings settings) throws Exception {
        return new StagingTestServer(ResourceStagingServer.start(system, settings).toCompletableFuture()
            .get(10, TimeUnit.SECONDS), settings.storeRoot(), settings.tls().isPresent() ? "https" : "http");
    }

    static StagingTestServer start(ActorSystem<?> system, StagingServerSettings settings, BlobStore store)
        throws Exception {
        return new StagingTestServer(ResourceStagingServer.start(system, settings, store).toCompletableFuture()
            .get(10, TimeUnit.SECONDS), settings.storeRoot(), "http");
    }

    static StagingTestServer start(ActorSystem<?> system, StagingServerSettings settings, BlobStore store,
        java.time.Clock clock) throws Exception {
        return new StagingTestServer(ResourceStagingServer.start(system, settings, store, clock).toCompletableFuture()
            .get(10, TimeUnit.SECONDS), settings.storeRoot(), "http");
    }

    static StagingServerSettings withTls(StagingServerSettings s, SSLContext tls) {
        return new StagingServerSettings(s.bindAddress(), s.port(), s.storeRoot(), s.maxBundleSize(),
            s.maxOwnerSize(), s.idleTimeout(), s.requestTimeout(), s.initialAccessExpirationTimeout(),
            s.expiryCheckInterval(), Optional.of(tls));
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    /** Every file in the store: temporary uploads, blobs and index entries. */
    List<Path> storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            return files.toList();
        }
    }

    @Override
    public void close() throws Exception {
        server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
