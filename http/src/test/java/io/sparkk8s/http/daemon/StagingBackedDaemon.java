package io.sparkk8s.http.daemon;

import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.staging.client.ResourceStagingClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A real resource staging server on a loopback port (store under {@code dir/store}) and a
 * {@link DaemonTestServer} that streams multipart bundles to it, for the multipart tests.
 */
final class StagingBackedDaemon implements AutoCloseable {

    final Path store;
    final ResourceStagingServer staging;
    final URI stagingUri;
    final ResourceStagingClient stagingClient;
    final DaemonTestServer server;

    private StagingBackedDaemon(Path store, ResourceStagingServer staging, URI stagingUri,
        ResourceStagingClient stagingClient, DaemonTestServer server) {
        this.store = store;
        this.staging = staging;
        this.stagingUri = stagingUri;
        this.stagingClient = stagingClient;
        this.server = server;
    }

    /** Both servers, with {@code maxBundle} as the staging server's and the daemon's bundle limit. */
    static StagingBackedDaemon start(ActorSystem<?> system, Path dir, long maxBundle, Duration requestTimeout)
        throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        ResourceStagingServer staging = ResourceStagingServer.start(system, new StagingServerSettings("127.0.0.1", 0,
                store, maxBundle, 64 * 1024, Duration.ofSeconds(30), null, Duration.ofMinutes(30),
                Duration.ofMinutes(1), Optional.empty()))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI stagingUri = URI.create("http://127.0.0.1:" + staging.binding().localAddress().getPort());
        DaemonTestServer server;
        try {
            server = new DaemonTestServer(system, dir, requestTimeout, Optional.of(new UploadSettings(
                Optional.of(stagingUri), "http://staging.spark.svc:10000", maxBundle, Duration.ofMinutes(5))));
        } catch (Exception e) {
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            throw e;
        }
        return new StagingBackedDaemon(store, staging, stagingUri,
            new ResourceStagingClient(system, stagingUri, Optional.empty()), server);
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
