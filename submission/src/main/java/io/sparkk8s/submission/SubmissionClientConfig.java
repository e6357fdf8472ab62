package io.sparkk8s.submission;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.AuthenticationKeys;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How the submission client connects to the API server, in this order: the kubeconfig ({@code
 * KUBECONFIG}, else {@code ~/.kube/config}; context {@code spark.kubernetes.context}, else its current
 * context) gives credentials and defaults; {@code --master} gives the server URL; the {@code
 * spark.kubernetes.authenticate.submission.*} keys override the kubeconfig's credentials; {@code
 * spark.kubernetes.submission.{connectionTimeout, requestTimeout}} set the timeouts.
 */
public final class SubmissionClientConfig {

    private SubmissionClientConfig() {
    }

    /** A client for {@code master} with the credentials from {@code conf} and the kubeconfig found in {@code env}. */
    public static KubernetesClient createClient(KubernetesMasterUrl master, SparkConf conf, Map<String, String> env) {
        return new KubernetesClientBuilder().withConfig(config(master, conf, env)).build();
    }

    /** The client configuration for {@code master}, {@code conf} and the kubeconfig found in {@code env}. */
    public static Config config(KubernetesMasterUrl master, SparkConf conf, Map<String, String> env) {
        Optional<String> context = KubernetesKeys.CONTEXT.find(conf);
        Optional<Path> kubeconfig = kubeconfig(env);
        Config base = kubeconfig.map(path -> Config.fromKubeconfig(context.orElse(null), path.toFile()))
            .orElseGet(Config::empty);
        ConfigBuilder config = new ConfigBuilder(base)
            .withMasterUrl(master.apiServerUrl().toString())
            .withConnectionTimeout(KubernetesKeys.SUBMISSION_CONNECTION_TIMEOUT.get(conf))
            .withRequestTimeout(KubernetesKeys.SUBMISSION_REQUEST_TIMEOUT.get(conf));
        AuthenticationKeys.SUBMISSION_CA_CERT_FILE.find(conf).ifPresent(config::withCaCertFile);
        AuthenticationKeys.SUBMISSION_CLIENT_CERT_FILE.find(conf).ifPresent(config::withClientCertFile);
        AuthenticationKeys.SUBMISSION_CLIENT_KEY_FILE.find(conf).ifPresent(config::withClientKeyFile);
        AuthenticationKeys.SUBMISSION_OAUTH_TOKEN.find(conf).ifPresent(config::withOauthToken);
        AuthenticationKeys.SUBMISSION_OAUTH_TOKEN_FILE.find(conf).ifPresent(file -> config.withOauthToken(
            readToken(AuthenticationKeys.SUBMISSION_OAUTH_TOKEN_FILE.key(), file)));
        KubernetesKeys.NAMESPACE.find(conf).ifPresent(config::withNamespace);
        return config.build();
    }

    private static Optional<Path> kubeconfig(Map<String, String> env) {
        String fromEnv = env.get("KUBECONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv.split(File.pathSeparator)[0]));
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path standard = Path.of(home, ".kube", "config");
        return Files.isRegularFile(standard) ? Optional.of(standard) : Optional.empty();
    }

    private static String readToken(String key, String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new SubmissionConfigurationException(key, "cannot read '" + file + "' (" + e + "); give a readable"
                + " file holding the token");
        }
    }
}
