package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.sparkk8s.staging.tls.StagingTls;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon over HTTPS with a key store configured as the staging server's, over real loopback TLS. */
class DaemonTlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithTheConfiguredKeyStoreAndAClientMustTrustIt() throws Exception {
        Path keyStore = dir.resolve("daemon.p12");
        String password = "changeit-daemon";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "daemon", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
            "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
            keyStore.toString(), "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(output).isTrue();
        Path passwordFile = Files.writeString(dir.resolve("password"), password + "\n");
        Path tokens = Files.writeString(dir.resolve("tokens"), "t ns\n");
        DaemonSettings settings = DaemonSettings.fromConfig(ConfigFactory.parseString(
            "spark-k8s.daemon { bind-address = 127.0.0.1, port = 0, tls { enabled = true, key-store = \""
                + keyStore + "\", key-store-password-file = \"" + passwordFile + "\" } }"));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "daemon-tls-test");
        try {
            SubmissionDaemon daemon = SubmissionDaemon.start(system, settings, new InMemorySubmissionBackend(),
                new SubmissionTranslator("k8s://https://127.0.0.1:6443"), () -> BearerTokens.parse(
                    List.of("t ns"), tokens.toString()), new DaemonMetrics()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            URI uri = URI.create("https://localhost:" + daemon.binding().localAddress().getPort() + "/healthz");

            HttpClient trusting = HttpClient.newBuilder().sslContext(StagingTls.clientFromPem(certificatePem(keyStore,
                password))).build();
            HttpResponse<String> ok = trusting.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("ok");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
            daemon.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            system.terminate();
        }
    }

    private Path certificatePem(Path keyStore, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        return Files.writeString(dir.resolve("daemon.crt.pem"), "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                store.getCertificate("daemon").getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }
}
