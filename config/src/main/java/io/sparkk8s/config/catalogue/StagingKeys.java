package io.sparkk8s.config.catalogue;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The resource staging server: where the submission client uploads local dependencies and where
 * the init-container downloads them from. The names and defaults are the original design's, so
 * that its configurations keep working.
 */
public final class StagingKeys {

    /** Version of this project that introduced the keys of our own. */
    static final String OURS = ConfigCatalogue.OWN_KEYS_SINCE;

    private static final String SERVER = "spark.kubernetes.resourceStagingServer.";
    private static final String SSL = "spark.ssl.kubernetes.resourceStagingServer.";

    /** Where the submission client uploads. */
    public static final ConfigEntry<String> URI_KEY = ConfigEntry.key(SERVER + "uri").string()
        .doc("URL of the resource staging server as the submission client reaches it, e.g."
            + " https://staging.example.com:10000. Needed when the application has local (file:// or bare path)"
            + " dependencies.")
        .since(OURS).section(Section.STAGING).check(Check.of(StagingKeys::httpUrlProblem)).optional();

    /** Where the init-container downloads from. */
    public static final ConfigEntry<String> INTERNAL_URI = ConfigEntry.key(SERVER + "internal.uri").string()
        .doc("URL of the resource staging server as the init-container reaches it from inside the cluster, e.g."
            + " http://spark-staging.spark.svc:10000.")
        .since(OURS).section(Section.STAGING).check(Check.of(StagingKeys::httpUrlProblem)).fallingBackTo(URI_KEY);

    /** The server's port. */
    public static final ConfigEntry<Integer> PORT = ConfigEntry.key(SERVER + "port").type(ValueType.integer())
        .doc("Port the resource staging server listens on.")
        .since(OURS).section(Section.STAGING).check(Check.port()).withDefault("10000");

    /** How long an upload may wait for its first download. */
    public static final ConfigEntry<Duration> INITIAL_ACCESS_EXPIRATION_TIMEOUT =
        ConfigEntry.key(SERVER + "initialAccessExpirationTimeout").type(ValueType.duration(TimeUnit.MILLISECONDS))
            .doc("How long the server keeps an upload that nobody has downloaded yet; after the first download it"
                + " is kept until its owner (the driver pod) is gone (ms when no unit is given).")
            .since(OURS).section(Section.STAGING).check(Check.positiveDuration()).withDefault("30m");

    /** TLS on or off. */
    public static final ConfigEntry<Boolean> SSL_ENABLED = ConfigEntry.key(SSL + "enabled").type(ValueType.bool())
        .doc("Whether the resource staging server serves TLS (and clients expect it).")
        .since(OURS).section(Section.STAGING).withDefault("false");

    /** Server key store. */
    public static final ConfigEntry<String> SSL_KEY_STORE = sslString("keyStore",
        "Key store file with the server's key and certificate; or use keyPem and serverCertPem.");
    /** Server key store password. */
    public static final ConfigEntry<String> SSL_KEY_STORE_PASSWORD = sslString("keyStorePassword",
        "Password of the key store; prefer keyStorePasswordFile.");
    /** File with the server key store password. */
    public static final ConfigEntry<String> SSL_KEY_STORE_PASSWORD_FILE = sslString("keyStorePasswordFile",
        "File holding the password of the key store.");
    /** Password of the key in the key store. */
    public static final ConfigEntry<String> SSL_KEY_PASSWORD = sslString("keyPassword",
        "Password of the key in the key store; prefer keyPasswordFile.");
    /** File with the password of the key. */
    public static final ConfigEntry<String> SSL_KEY_PASSWORD_FILE = sslString("keyPasswordFile",
        "File holding the password of the key in the key store.");
    /** Key store type. */
    public static final ConfigEntry<String> SSL_KEY_STORE_TYPE = sslString("keyStoreType",
        "Type of the key store, e.g. JKS or PKCS12.");
    /** Server key as PEM. */
    public static final ConfigEntry<String> SSL_KEY_PEM = sslString("keyPem",
        "PEM file with the server's private key, instead of a key store.");
    /** Server certificate as PEM. */
    public static final ConfigEntry<String> SSL_SERVER_CERT_PEM = sslString("serverCertPem",
        "PEM file with the server's certificate, instead of a key store.");
    /** Client trust store. */
    public static final ConfigEntry<String> SSL_TRUST_STORE = sslString("trustStore",
        "Trust store with which the submission client verifies the server; or use clientCertPem.");
    /** Client trust store password. */
    public static final ConfigEntry<String> SSL_TRUST_STORE_PASSWORD = sslString("trustStorePassword",
        "Password of the trust store.");
    /** Client trust store type. */
    public static final ConfigEntry<String> SSL_TRUST_STORE_TYPE = sslString("trustStoreType",
        "Type of the trust store, e.g. JKS or PKCS12.");
    /** Client trust as PEM. */
    public static final ConfigEntry<String> SSL_CLIENT_CERT_PEM = sslString("clientCertPem",
        "PEM file with the certificate the submission client trusts the server with, instead of a trust store.");
    /** Init-container trust store. */
    public static final ConfigEntry<String> SSL_INTERNAL_TRUST_STORE = sslString("internal.trustStore",
        "Trust store with which the init-container verifies the server at its internal URI.");
    /** Init-container trust store password. */
    public static final ConfigEntry<String> SSL_INTERNAL_TRUST_STORE_PASSWORD = sslString("internal.trustStorePassword",
        "Password of the init-container's trust store.");
    /** Init-container trust store type. */
    public static final ConfigEntry<String> SSL_INTERNAL_TRUST_STORE_TYPE = sslString("internal.trustStoreType",
        "Type of the init-container's trust store.");
    /** Init-container trust as PEM. */
    public static final ConfigEntry<String> SSL_INTERNAL_CLIENT_CERT_PEM = sslString("internal.clientCertPem",
        "PEM file with the certificate the init-container trusts the server with at its internal URI.");

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(URI_KEY, INTERNAL_URI, PORT,
        INITIAL_ACCESS_EXPIRATION_TIMEOUT, SSL_ENABLED, SSL_KEY_STORE, SSL_KEY_STORE_PASSWORD,
        SSL_KEY_STORE_PASSWORD_FILE, SSL_KEY_PASSWORD, SSL_KEY_PASSWORD_FILE, SSL_KEY_STORE_TYPE, SSL_KEY_PEM,
        SSL_SERVER_CERT_PEM, SSL_TRUST_STORE, SSL_TRUST_STORE_PASSWORD, SSL_TRUST_STORE_TYPE, SSL_CLIENT_CERT_PEM,
        SSL_INTERNAL_TRUST_STORE, SSL_INTERNAL_TRUST_STORE_PASSWORD, SSL_INTERNAL_TRUST_STORE_TYPE,
        SSL_INTERNAL_CLIENT_CERT_PEM);

    private StagingKeys() {
    }

    private static ConfigEntry<String> sslString(String name, String doc) {
        return ConfigEntry.key(SSL + name).string().doc(doc).since(OURS).section(Section.STAGING).optional();
    }

    private static Optional<String> httpUrlProblem(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return Optional.of("'" + value + "' is not an http:// or https:// URL with a host; expected e.g."
            + " https://staging.example.com:10000");
    }
}
