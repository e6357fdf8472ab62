package io.sparkk8s.staging.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the resource staging server and its clients, from the same material the original
 * design's {@code spark.ssl.kubernetes.resourceStagingServer.*} options named: a key store, or a
 * PEM key + certificate chain, on the server; a trust store or a PEM CA certificate on the client.
 * Failures are {@link IllegalArgumentException}s naming the file and what is wrong with it.
 */
public final class StagingTls {

    private static final Pattern PEM_BLOCK =
        Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    private StagingTls() {
    }

    /** A server context from a key store file (type {@code PKCS12} or {@code JKS}). */
    public static SSLContext serverFromKeyStore(Path keyStore, char[] password, String type) {
        try {
            KeyStore store = loadKeyStore(keyStore, password, type);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("keyStore " + keyStore + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server context from a PEM certificate chain (server certificate first) and an unencrypted
     * PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}; RSA, EC or Ed25519).
     */
    public static SSLContext serverFromPem(Path certChainPem, Path keyPem) {
        try {
            List<Certificate> chain = readCertificates(certChainPem);
            PrivateKey key = readPrivateKey(keyPem);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("staging-server", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("serverCertPem " + certChainPem + " / keyPem " + keyPem + ": "
                + e.getMessage(), e);
        }
    }

    /** A client context that trusts the certificates of a trust store file. */
    public static SSLContext clientFromTrustStore(Path trustStore, char[] password, String type) {
        try {
            return clientTrusting(loadKeyStore(trustStore, password, type));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore " + trustStore + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts the PEM certificate(s) in {@code caCertPem} (a CA or the server's own). */
    public static SSLContext clientFromPem(Path caCertPem) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : readCertificates(caCertPem)) {
                store.setCertificateEntry("trusted-" + i++, certificate);
            }
            return clientTrusting(store);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("clientCertPem " + caCertPem + ": " + e.getMessage(), e);
        }
    }

    /** Reads a password file as the original design's {@code *PasswordFile} options did: the file, trimmed. */
    public static char[] readPasswordFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("password file " + file + ": cannot be read (" + e + ")", e);
        }
    }

    private static SSLContext clientTrusting(KeyStore trusted) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore loadKeyStore(Path file, char[] password, String type) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type == null || type.isBlank() ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot be read as a " + store.getType() + " store with the given"
                + " password (" + e.getMessage() + ")", e);
        }
        return store;
    }

    private static List<Certificate> readCertificates(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(pem + " holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return List.copyOf(certificates);
    }

    private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher block = PEM_BLOCK.matcher(text);
        while (block.find()) {
            String kind = block.group(1);
            if ("PRIVATE KEY".equals(kind)) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (InvalidKeySpecException e) {
                        // not this algorithm; try the next
                    }
                }
                throw new GeneralSecurityException(pem + ": the PKCS#8 key is not RSA, EC or Ed25519");
            }
            if (kind.endsWith("PRIVATE KEY")) {
                throw new GeneralSecurityException(pem + ": '" + kind + "' keys are not supported; convert to"
                    + " unencrypted PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
            }
        }
        throw new GeneralSecurityException(pem + " holds no PEM private key (BEGIN PRIVATE KEY)");
    }
}
