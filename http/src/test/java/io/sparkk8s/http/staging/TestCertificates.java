package io.sparkk8s.http.staging;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A self-signed certificate for localhost / 127.0.0.1, made with the JDK's keytool, as a key store and as PEM. */
record TestCertificates(Path keyStore, String password, Path certPem, Path keyPem) {

    static TestCertificates generate(Path dir, String name) throws Exception {
        Path keyStore = dir.resolve(name + ".p12");
        String password = "changeit-" + name;
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "staging", "-keyalg", "RSA",
            "-keysize", "2048", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
            "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password)
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        Certificate certificate = store.getCertificate("staging");
        PrivateKey key = (PrivateKey) store.getKey("staging", password.toCharArray());
        Path certPem = Files.writeString(dir.resolve(name + ".crt.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve(name + ".key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificates(keyStore, password, certPem, keyPem);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
