package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.staging.tls.StagingTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged bundles over https: the server is verified with the configured certificate, or not trusted at all. */
class StagingServerTlsTest {

    private static final String SECRET = "tls-secret";

    @TempDir
    static Path certs;

    @TempDir
    Path dir;

    private static TestServer server;
    private static Path serverCertPem;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keyStore = certs.resolve("server.p12");
        keytool("-genkeypair", "-alias", "staging", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
            "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        serverCertPem = certs.resolve("server.pem");
        keytool("-exportcert", "-rfc", "-alias", "staging", "-keystore", keyStore.toString(),
            "-storepass", "changeit", "-file", serverCertPem.toString());
        byte[] tarball = TestArchives.tar(Map.of("secure.jar", "over tls"));
        server = TestServer.https(StagingTls.serverFromKeyStore(keyStore, "changeit".toCharArray(), "PKCS12"))
            .route("/api/v0/resources/b1", exchange -> {
                boolean authorised = SECRET.equals(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.getResponseHeaders().add("X-Content-SHA256", TestArchives.sha256Hex(tarball));
                TestServer.respond(exchange, authorised ? 200 : 404, authorised ? tarball : new byte[0]);
            });
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private List<LocalizationFailure> localize(String trust) throws Exception {
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET);
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + dir.resolve("jars") + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + dir.resolve("files") + "\n"
                + "spark.kubernetes.resourceStagingServer.internal.uri=" + server.uri("") + "\n"
                + "spark.ssl.kubernetes.resourceStagingServer.enabled=true\n"
                + "spark.kubernetes.initcontainer.downloadJarsResourceIdentifier=b1\n"
                + "spark.kubernetes.initcontainer.downloadJarsSecretLocation=" + secretFile + "\n" + trust);
        return new DependencyLocalizer(InitContainerProperties.load(props), RetryPolicy.DEFAULT, Optional.empty())
            .localize();
    }

    @Test
    void downloadsFromAnHttpsStagingServerVerifiedWithTheConfiguredCertificate() throws Exception {
        assertThat(localize("spark.ssl.kubernetes.resourceStagingServer.internal.clientCertPem=" + serverCertPem
            + "\n")).isEmpty();

        assertThat(dir.resolve("jars/secure.jar")).hasContent("over tls");
    }

    @Test
    void refusesAnHttpsStagingServerItCannotVerify() throws Exception {
        List<LocalizationFailure> failures = localize("");

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.cause())
            .contains("TLS verification of localhost failed"));
        assertThat(dir.resolve("jars/secure.jar")).doesNotExist();
    }
}
