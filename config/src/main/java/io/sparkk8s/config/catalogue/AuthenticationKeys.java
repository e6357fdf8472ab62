package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.validation.KubernetesNames;
import java.util.List;

/**
 * {@code spark.kubernetes.authenticate.*}: credentials of the submission client (read on this
 * machine) and of the driver (shipped to the driver pod in a secret). Unset keys fall back to the
 * user's kubeconfig for the submission client.
 */
public final class AuthenticationKeys {

    private static final String SUBMISSION = "spark.kubernetes.authenticate.submission.";
    private static final String DRIVER = "spark.kubernetes.authenticate.driver.";

    /** CA certificate of the API server, for the submission client. */
    public static final ConfigEntry<String> SUBMISSION_CA_CERT_FILE = file(SUBMISSION + "caCertFile",
        "CA certificate file (PEM) the submission client trusts the API server with.",
        "spark.kubernetes.submit.caCertFile");
    /** Client key, for the submission client. */
    public static final ConfigEntry<String> SUBMISSION_CLIENT_KEY_FILE = file(SUBMISSION + "clientKeyFile",
        "Client key file (PEM) the submission client authenticates with; goes with clientCertFile.",
        "spark.kubernetes.submit.clientKeyFile");
    /** Client certificate, for the submission client. */
    public static final ConfigEntry<String> SUBMISSION_CLIENT_CERT_FILE = file(SUBMISSION + "clientCertFile",
        "Client certificate file (PEM) the submission client authenticates with; goes with clientKeyFile.",
        "spark.kubernetes.submit.clientCertFile");
    /** Bearer token, for the submission client. */
    public static final ConfigEntry<String> SUBMISSION_OAUTH_TOKEN = ConfigEntry.key(SUBMISSION + "oauthToken")
        .string().doc("Bearer token the submission client authenticates with. Prefer oauthTokenFile: a value on the"
            + " command line is visible to other users of the machine. Not together with oauthTokenFile.")
        .deprecatedAlias("spark.kubernetes.submit.oauthToken")
        .since("2.3.0").section(Section.AUTHENTICATION).optional();
    /** File with a bearer token, for the submission client. */
    public static final ConfigEntry<String> SUBMISSION_OAUTH_TOKEN_FILE = file(SUBMISSION + "oauthTokenFile",
        "File holding the bearer token the submission client authenticates with. Not together with oauthToken.",
        null);

    /** CA certificate of the API server, for the driver. */
    public static final ConfigEntry<String> DRIVER_CA_CERT_FILE = file(DRIVER + "caCertFile",
        "CA certificate file (PEM) the driver trusts the API server with; shipped to the driver in a secret.", null);
    /** Client key, for the driver. */
    public static final ConfigEntry<String> DRIVER_CLIENT_KEY_FILE = file(DRIVER + "clientKeyFile",
        "Client key file (PEM) the driver authenticates with; shipped to the driver in a secret.", null);
    /** Client certificate, for the driver. */
    public static final ConfigEntry<String> DRIVER_CLIENT_CERT_FILE = file(DRIVER + "clientCertFile",
        "Client certificate file (PEM) the driver authenticates with; shipped to the driver in a secret.", null);
    /** Bearer token, for the driver. */
    public static final ConfigEntry<String> DRIVER_OAUTH_TOKEN = ConfigEntry.key(DRIVER + "oauthToken").string()
        .doc("Bearer token the driver authenticates with; shipped to the driver in a secret. Not together with"
            + " oauthTokenFile.")
        .since("2.3.0").section(Section.AUTHENTICATION).optional();
    /** File with a bearer token, for the driver. */
    public static final ConfigEntry<String> DRIVER_OAUTH_TOKEN_FILE = file(DRIVER + "oauthTokenFile",
        "File holding the bearer token the driver authenticates with; shipped to the driver in a secret.", null);
    /** The driver pod's service account. */
    public static final ConfigEntry<String> DRIVER_SERVICE_ACCOUNT_NAME =
        ConfigEntry.key(DRIVER + "serviceAccountName").string()
            .doc("Service account of the driver pod; it needs the right to create and watch pods, services and"
                + " config maps in the namespace.")
            .defaultDescription("(the namespace's default service account)")
            .deprecatedAlias("spark.kubernetes.submit.serviceAccountName")
            .since("2.3.0").section(Section.AUTHENTICATION)
            .check(Check.of(n -> KubernetesNames.dnsSubdomainProblem(n, "service account name"))).optional();
    /** The executor pods' service account. */
    public static final ConfigEntry<String> EXECUTOR_SERVICE_ACCOUNT_NAME =
        ConfigEntry.key("spark.kubernetes.authenticate.executor.serviceAccountName").string()
            .doc("Service account of the executor pods.")
            .defaultDescription("(value of spark.kubernetes.authenticate.driver.serviceAccountName)")
            .since("3.1.0").section(Section.AUTHENTICATION)
            .check(Check.of(n -> KubernetesNames.dnsSubdomainProblem(n, "service account name")))
            .fallingBackTo(DRIVER_SERVICE_ACCOUNT_NAME);

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(SUBMISSION_CA_CERT_FILE, SUBMISSION_CLIENT_KEY_FILE,
        SUBMISSION_CLIENT_CERT_FILE, SUBMISSION_OAUTH_TOKEN, SUBMISSION_OAUTH_TOKEN_FILE, DRIVER_CA_CERT_FILE,
        DRIVER_CLIENT_KEY_FILE, DRIVER_CLIENT_CERT_FILE, DRIVER_OAUTH_TOKEN, DRIVER_OAUTH_TOKEN_FILE,
        DRIVER_SERVICE_ACCOUNT_NAME, EXECUTOR_SERVICE_ACCOUNT_NAME);

    private AuthenticationKeys() {
    }

    private static ConfigEntry<String> file(String key, String doc, String alias) {
        ConfigEntry.Builder<String> b = ConfigEntry.key(key).string().doc(doc).since("2.3.0")
            .section(Section.AUTHENTICATION).check(Check.readableFile());
        if (alias != null) {
            b.deprecatedAlias(alias);
        }
        return b.optional();
    }
}
