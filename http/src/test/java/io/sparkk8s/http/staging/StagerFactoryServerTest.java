package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.staging.store.BundleEntry;
import io.sparkk8s.staging.tar.ExtractionLimits;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.ResourceStagerFactory;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stager the CLI gets from {@link ServiceLoader} ({@code ResourceStagerFactory} of streams-staging),
 * built only from the submission's conf, against the real staging server over HTTP and HTTPS.
 */
class StagerFactoryServerTest {

    private static final String SSL = "spark.ssl.kubernetes.resourceStagingServer.";
    private static final Map<String, String> LABELS = Map.of("spark-app-selector", "app-1", "spark-role", "driver");

    private static ActorSystem<Void> system;

    @TempDir
    Path tmp;

    private StagingTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "stager-factory-test");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        Http.get(system).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theLoadedStagerUploadsLocalFilesOwnedByTheDriverOverHttp() throws Exception {
        server = StagingTestServer.start(system, StagingTestServer.settings(tmp.resolve("store"), 64L << 20));

        roundTrip(SparkConf.empty(), Optional.empty());
    }

    @Test
    void theLoadedStagerVerifiesAnHttpsServerWithThePemOfClientCertPem() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "pem");
        server = StagingTestServer.start(system, StagingTestServer.withTls(
            StagingTestServer.settings(tmp.resolve("store"), 64L << 20),
            StagingTls.serverFromPem(certs.certPem(), certs.keyPem())));

        roundTrip(SparkConf.of(Map.of(SSL + "enabled", "true", SSL + "clientCertPem", certs.certPem().toString())),
            Optional.of(StagingTls.clientFromPem(certs.certPem())));
    }

    @Test
    void theLoadedStagerVerifiesAnHttpsServerWithATrustStoreAndPasswordFile() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "store");
        Path passwordFile = Files.writeString(tmp.resolve("password"), certs.password() + "\n");
        server = StagingTestServer.start(system, StagingTestServer.withTls(
            StagingTestServer.settings(tmp.resolve("store"), 64L << 20),
            StagingTls.serverFromKeyStore(certs.keyStore(), certs.password().toCharArray(), "PKCS12")));

        roundTrip(SparkConf.of(Map.of(SSL + "trustStore", certs.keyStore().toString(),
            SSL + "trustStorePasswordFile", passwordFile.toString(), SSL + "trustStoreType", "PKCS12")),
            Optional.of(StagingTls.clientFromPem(certs.certPem())));
    }

    @Test
    void theLoadedStagerRefusesAnHttpsServerItsConfDoesNotTrust() throws Exception {
        TestCertificates certs = TestCertificates.generate(tmp, "server");
        TestCertificates other = TestCertificates.generate(tmp, "other");
        server = StagingTestServer.start(system, StagingTestServer.withTls(
            StagingTestServer.settings(tmp.resolve("store"), 64L << 20),
            StagingTls.serverFromPem(certs.certPem(), certs.keyPem())));
        Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");

        try (AutoCloseable stager = (AutoCloseable) factory().create(server.base,
            SparkConf.of(Map.of(SSL + "clientCertPem", other.certPem().toString())))) {
            assertThatThrownBy(() -> ((ResourceStager) stager).uploadResources(List.of(jar), "spark", LABELS)
                .toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
        assertThat(server.server.store().list().toCompletableFuture().get()).isEmpty();
    }

    private void roundTrip(SparkConf conf, Optional<SSLContext> verifierTrust) throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Files.writeString(inputs.resolve("app.jar"), "the application jar");
        Files.writeString(Files.createDirectories(inputs.resolve("conf")).resolve("a.properties"), "a=1");
        SubmittedResourceIdAndSecret staged;
        try (AutoCloseable closable = (AutoCloseable) factory().create(server.base, conf)) {
            staged = ((ResourceStager) closable).uploadResources(List.of(inputs.resolve("app.jar"),
                inputs.resolve("conf")), "spark", LABELS).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        BundleEntry entry = server.server.store().find(staged.resourceId()).toCompletableFuture().get().orElseThrow();
        assertThat(entry.owner().ownerNamespace()).isEqualTo("spark");
        assertThat(entry.owner().ownerLabels()).isEqualTo(LABELS);
        Path out = tmp.resolve("out");
        new ResourceStagingClient(system, server.base, verifierTrust).downloadAndExtract(staged.resourceId(),
            staged.resourceSecret(), out, ExtractionLimits.DEFAULT,
            system.dispatchers().lookup(DispatcherSelector.blocking())).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(out.resolve("app.jar")).hasContent("the application jar");
        assertThat(out.resolve("conf/a.properties")).hasContent("a=1");
    }

    private static ResourceStagerFactory factory() {
        return ServiceLoader.load(ResourceStagerFactory.class).findFirst().orElseThrow();
    }
}
