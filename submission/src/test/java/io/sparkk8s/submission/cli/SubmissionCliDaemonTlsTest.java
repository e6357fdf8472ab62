package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --daemon https://...} with {@code --daemon-ca-file}: over real TLS on a loopback port, with a
 * key and self-signed certificate made by the JDK's keytool, the CLI trusts exactly the CA file.
 */
class SubmissionCliDaemonTlsTest {

    @TempDir
    Path dir;

    HttpsServer server;
    String url;
    Path caFile;
    Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        Path keyStore = dir.resolve("daemon.p12");
        keytool("-genkeypair", "-alias", "daemon", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
            "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
            "-storepass", "changeit");
        caFile = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "daemon", "-keystore", keyStore.toString(), "-storepass",
            "changeit", "-file", caFile.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/v1/submissions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"items\":[{\"id\":\"spark-1\",\"name\":\"pi\",\"namespace\":\"jobs\","
                + "\"driverPodName\":\"pi-driver\",\"state\":\"RUNNING\",\"observedAt\":\"2026-11-25T15:00:00Z\"}]}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "https://127.0.0.1:" + server.getAddress().getPort();
        tokenFile = Files.writeString(dir.resolve("token"), "t0ken");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private int cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return SubmissionCli.run(Map.of("HOME", "/nonexistent"),
            new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
            new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true), args);
    }

    @Test
    void trustsTheDaemonsCertificateFromTheCaFileOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int trusted = cli(out, err, "status", "jobs:pi-driver", "--daemon", url, "--daemon-token-file",
            tokenFile.toString(), "--daemon-ca-file", caFile.toString());

        assertThat(trusted).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("jobs:pi-driver\tRunning\tspark-1\t");

        err.reset();
        int untrusted = cli(out, err, "status", "jobs:pi-driver", "--daemon", url, "--daemon-token-file",
            tokenFile.toString());

        assertThat(untrusted).isEqualTo(SubmissionCli.EXIT_CLUSTER);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the daemon at " + url + "/")
            .contains("give that CA with --daemon-ca-file");
    }

    @Test
    void aCaFileWithoutCertificatesIsAUsageError() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");

        int exit = cli(out, err, "status", "jobs:pi-driver", "--daemon", url, "--daemon-token-file",
            tokenFile.toString(), "--daemon-ca-file", notPem.toString());

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--daemon-ca-file: cannot read CA certificates from '"
            + notPem + "'");
    }
}
