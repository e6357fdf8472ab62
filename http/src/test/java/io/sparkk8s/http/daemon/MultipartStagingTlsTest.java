package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.http.staging.ResourceStagingServer;
import io.sparkk8s.http.staging.StagingServerSettings;
import io.sparkk8s.staging.tls.StagingTls;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multipart POST to an https staging server with a self-signed certificate, over real loopback TLS:
 * the daemon's {@code uploads.tls} trust decides whether the bundles can be staged, and is handed to the
 * submission for its init-container.
 */
class MultipartStagingTlsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOUNDARY = "spark-k8s-tls-boundary-41c2";
    static final String SUBMISSION = "{\"name\":\"etl\",\"namespace\":\"team-a\",\"mainClass\":\"com.example.Etl\","
        + "\"primaryResource\":\"etl.jar\",\"conf\":{\"spark.kubernetes.container.image\":\"apache/spark:3.5.3\"}}";

    static ActorSystem<Void> system;

    @TempDir
    Path dir;
    Path store;
    Path keyStore;
    Path certPem;
    String password;
    ResourceStagingServer staging;
    URI stagingUri;
    DaemonTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "multipart-tls-test");
    }

    @AfterAll
    static void stopSystem() throws Exception {
        DaemonTestServer.terminate(system);
    }

    @BeforeEach
    void startStagingServer() throws Exception {
        keyStore = dir.resolve("staging.p12");
        password = "changeit-staging";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "staging", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
            keyStore.toString(), "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(output).isTrue();
        certPem = Files.writeString(dir.resolve("staging.crt.pem"), certificatePem(keyStore, password));
        store = Files.createDirectories(dir.resolve("store"));
        staging = ResourceStagingServer.start(system, new StagingServerSettings("127.0.0.1", 0, store, 1024 * 1024,
                1024 * 1024, Duration.ofSeconds(30), null, Duration.ofMinutes(30), Duration.ofMinutes(1),
                Optional.of(StagingTls.serverFromKeyStore(keyStore, password.toCharArray(), "PKCS12"))))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        stagingUri = URI.create("https://localhost:" + staging.binding().localAddress().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        staging.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDaemonTrustingTheServersCertificateStagesTheBundleAndHandsTheTrustToTheSubmission() throws Exception {
        UploadSettings uploads = uploads("trust-cert-pem = \"" + certPem + "\"");
        server = new DaemonTestServer(system, dir, Duration.ofSeconds(30), Optional.of(uploads));
        byte[] jars = MultipartSubmissionTest.tar(Map.of("etl.jar", "jar bytes".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> r = post(jars);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).get("id").asText();
        SubmittedResourceIdAndSecret bundle = server.backend.stagedBundles.get(id).get(0);
        assertThat(bundle.resourceId()).isNotBlank();
        assertThat(storedFiles()).isNotEmpty();
        SubmissionBackend.Staged staged = server.backend.staged.get(id);
        assertThat(staged.trust().submissionConf()).containsEntry(
            "spark.ssl.kubernetes.resourceStagingServer.internal.clientCertPem", certPem.toString());
    }

    @Test
    void aTrustStoreWithItsPasswordFileIsTrustedToo() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), password + "\n");
        server = new DaemonTestServer(system, dir, Duration.ofSeconds(30), Optional.of(uploads("trust-store = \""
            + keyStore + "\", trust-store-password-file = \"" + passwordFile + "\"")));
        byte[] jars = MultipartSubmissionTest.tar(Map.of("etl.jar", "jar bytes".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> r = post(jars);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String prefix = "spark.ssl.kubernetes.resourceStagingServer.internal.";
        assertThat(server.backend.staged.get(JSON.readTree(r.body()).get("id").asText()).trust().submissionConf())
            .containsEntry(prefix + "trustStore", keyStore.toString())
            .containsEntry(prefix + "trustStoreType", "PKCS12")
            .containsEntry(prefix + "trustStorePasswordFile", passwordFile.toString())
            .doesNotContainKey(prefix + "clientCertPem");
    }

    @Test
    void withoutTrustTheSubmitIsAnswered502NamingTheStagingServerAndTlsAndNothingIsCreated() throws Exception {
        server = new DaemonTestServer(system, dir, Duration.ofSeconds(30), Optional.of(uploads("")));
        byte[] jars = MultipartSubmissionTest.tar(Map.of("etl.jar", "jar bytes".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> r = post(jars);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("error").asText()).isEqualTo("staging_server_error");
        assertThat(error.get("message").asText()).contains(stagingUri.toString()).contains("TLS")
            .contains("uploads.tls.trust-cert-pem").contains("nothing was submitted");
        assertThat(server.backend.submits.get()).isZero();
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void unusableTrustSettingsStopTheDaemonNamingTheSetting() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");

        assertThatThrownBy(() -> uploads("trust-cert-pem = \"" + notPem + "\""))
            .hasMessageContaining("spark-k8s.daemon.uploads.tls.trust-cert-pem");
        assertThatThrownBy(() -> uploads("trust-store = \"" + dir.resolve("missing.p12") + "\""))
            .hasMessageContaining("spark-k8s.daemon.uploads.tls.trust-store").hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> uploads("trust-store = \"" + keyStore + "\", trust-cert-pem = \"" + certPem + "\""))
            .hasMessageContaining("give one of them");
    }

    @Test
    void theDaemonsTrustReplacesTheRequestsStagingTrustKeysInTheSubmission() {
        StagingClientTrust trust = uploads("trust-cert-pem = \"" + certPem + "\"").trust();
        SparkConf conf = SparkConf.of(Map.of("spark.ssl.kubernetes.resourceStagingServer.trustStorePassword", "x",
            "spark.ssl.kubernetes.resourceStagingServer.trustStoreType", "JKS", "spark.app.name", "etl"));

        SparkConf result = KubernetesSubmissionBackend.withStaging(conf, new SubmissionBackend.Staged("spark-1",
            new StagedUploads(null, "team-a", Map.of(), java.util.Set.of(), java.util.Set.of()), "https://staging:1",
            trust));

        assertThat(result.asMap()).containsEntry("spark.app.name", "etl")
            .containsEntry("spark.kubernetes.resourceStagingServer.internal.uri", "https://staging:1")
            .containsEntry("spark.ssl.kubernetes.resourceStagingServer.enabled", "true")
            .containsEntry("spark.ssl.kubernetes.resourceStagingServer.internal.clientCertPem", certPem.toString())
            .doesNotContainKeys("spark.ssl.kubernetes.resourceStagingServer.trustStorePassword",
                "spark.ssl.kubernetes.resourceStagingServer.trustStoreType");
        assertThat(KubernetesSubmissionBackend.withStaging(conf, new SubmissionBackend.Staged("spark-1",
            new StagedUploads(null, "team-a", Map.of(), java.util.Set.of(), java.util.Set.of()), "https://staging:1"))
            .asMap()).containsEntry("spark.ssl.kubernetes.resourceStagingServer.trustStoreType", "JKS");
    }

    private UploadSettings uploads(String tls) {
        return UploadSettings.fromConfig(ConfigFactory.parseString("spark-k8s.daemon.uploads { staging-server-uri = \""
            + stagingUri + "\", tls { " + tls + " } }"));
    }

    private HttpResponse<String> post(byte[] jars) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"submission\"\r\nContent-Type:"
            + " application/json\r\n\r\n" + SUBMISSION + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data;"
            + " name=\"jars\"; filename=\"jars.tar\"\r\nContent-Type: application/x-tar\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(jars);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return server.send(server.request("/v1/submissions", DaemonTestServer.TEAM_A)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build());
    }

    private java.util.List<Path> storedFiles() throws Exception {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String certificatePem(Path keyStore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password.toCharArray());
        }
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(ks.getCertificate("staging").getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }
}
