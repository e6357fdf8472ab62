package io.sparkk8s.submission.cli;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.config.submit.SparkSubmitCommand;
import io.sparkk8s.submission.daemon.DaemonClientException;
import io.sparkk8s.submission.daemon.DaemonSubmission;
import io.sparkk8s.submission.daemon.DaemonSubmissionRequest;
import io.sparkk8s.submission.daemon.DaemonUploads;
import io.sparkk8s.submission.daemon.PemTrust;
import io.sparkk8s.submission.daemon.SubmissionDaemonClient;
import io.sparkk8s.submission.daemon.UploadFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What {@code submit}, {@code --kill} and {@code --status} do with {@code --daemon URL}: the same
 * command line, validated here by the same parser, sent to a submission daemon's REST API, with the
 * direct path's output, ids ({@code namespace:driver-pod}) and exit codes. Because the daemon keeps its
 * state in the driver pods, what is submitted one way is seen and killed the other way.
 */
final class DaemonClientApplication {

    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");
    private static final Map<String, String> DEPENDENCY_OPTIONS = Map.of("spark.jars", "--jars", "spark.files",
        "--files", "spark.submit.pyFiles", "--py-files", "spark.archives", "--archives");
    private static final String CREDENTIALS_PREFIX = "spark.kubernetes.authenticate.submission.";
    private static final int SUBMIT_ATTEMPTS = 3;
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final DaemonOptions options;
    private final PrintWriter out;
    private final PrintWriter err;

    DaemonClientApplication(DaemonOptions options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    int submit(SparkSubmitCommand.Submit command) throws InterruptedException {
        SubmissionRequest request = command.request();
        if (command.dryRun()) {
            throw new InvalidConfigurationException("--dry-run", "not available with --daemon (the daemon has no dry"
                + " run); leave out --daemon to print the resources this machine would create");
        }
        if (request.proxyUser().isPresent()) {
            throw new InvalidConfigurationException("--proxy-user", "not available with --daemon: the daemon"
                + " submits with its own Kubernetes identity");
        }
        Body body = body(request);
        SubmissionDaemonClient client = client();
        return call(() -> {
            DaemonSubmission submitted = submitWithRetries(client, body);
            String id = submitted.namespace() + ":" + submitted.driverPodName();
            err.println("Submitted application " + request.appName() + " (" + submitted.id() + ") as driver pod " + id
                + " through the daemon at " + options.url());
            out.println(id);
            out.flush();
            err.flush();
            if (!KubernetesKeys.WAIT_APP_COMPLETION.get(request.sparkConf())) {
                return SubmissionCli.EXIT_OK;
            }
            DaemonSubmission last = follow(client, submitted, id);
            String outcome = last.state().equals("KILLED") ? "DELETED" : last.state();
            err.println("Application " + request.appName() + " (" + id + ") finished: " + outcome);
            return last.state().equals("SUCCEEDED") ? SubmissionCli.EXIT_OK : SubmissionCli.EXIT_APP_FAILED;
        }, namespace(request.sparkConf()));
    }

    /**
     * Submits under one Idempotency-Key, retrying what the daemon says may be retried (503: the API server
     * or the daemon's queue is overloaded; 504: the runtime did not answer in time) and a connection that
     * broke after the request may have been sent: the key makes the daemon answer a retry with the
     * submission the first attempt made, so nothing is submitted twice.
     */
    private DaemonSubmission submitWithRetries(SubmissionDaemonClient client, Body body)
        throws InterruptedException {
        String key = "spark-k8s-cli-" + UUID.randomUUID();
        for (int attempt = 1; ; attempt++) {
            try {
                // with uploads every attempt packs and sends the local files again
                return await(client.submit(body.request(), body.uploads(), Optional.of(key)));
            } catch (UploadFailed e) {
                throw new InvalidConfigurationException(body.option(e.file()), e.getMessage() + "; nothing was"
                    + " submitted");
            } catch (DaemonClientException e) {
                if (e.status() == 415 && !body.uploads().isEmpty()) {
                    throw new InvalidConfigurationException(body.uploadOptions(), "the daemon at " + options.url()
                        + " takes no uploads of local files (" + e.detail() + "); give remote URIs (local://,"
                        + " http(s)://, hdfs://, s3a://) or submit without --daemon");
                }
                if (attempt >= SUBMIT_ATTEMPTS || e.status() != 503 && e.status() != 504) {
                    throw e;
                }
                err.println("Warning: the daemon answered " + e.status() + " " + e.error() + " (" + e.detail()
                    + "); retrying (" + (attempt + 1) + "/" + SUBMIT_ATTEMPTS + ")");
            } catch (DaemonUnreachable e) {
                if (attempt >= SUBMIT_ATTEMPTS || e.getCause() instanceof ConnectException
                    || e.getCause() instanceof SSLException) {
                    throw e;
                }
                err.println("Warning: the connection to the daemon broke (" + e.getMessage() + "); retrying ("
                    + (attempt + 1) + "/" + SUBMIT_ATTEMPTS + ")");
            }
            err.flush();
            Thread.sleep(RETRY_PAUSE.toMillis() * attempt);
        }
    }

    int kill(String target, SparkConf conf) throws InterruptedException {
        DriverPodSelector selector = DriverPodSelector.parse("--kill", target, namespace(conf));
        // as the direct kill: the driver pod's deletion gets this grace period, else the pod's own
        Optional<Duration> grace = KubernetesKeys.APP_KILL_GRACE_PERIOD.find(conf);
        SubmissionDaemonClient client = client();
        return call(() -> {
            List<DaemonSubmission> matching = select(client, selector);
            if (matching.isEmpty()) {
                throw new InvalidConfigurationException("--kill", "no driver pod matches '" + target + "' in"
                    + " namespace " + selector.namespace() + "; use --status to list them");
            }
            for (DaemonSubmission s : matching) {
                await(client.kill(s.id(), grace));
                out.println("killed " + s.namespace() + ":" + s.driverPodName());
            }
            return SubmissionCli.EXIT_OK;
        }, selector.namespace());
    }

    int status(String target, SparkConf conf) throws InterruptedException {
        DriverPodSelector selector = DriverPodSelector.parse("--status", target, namespace(conf));
        SubmissionDaemonClient client = client();
        return call(() -> {
            List<DaemonSubmission> matching = select(client, selector);
            if (matching.isEmpty()) {
                throw new InvalidConfigurationException("--status", "no driver pod matches '" + target + "' in"
                    + " namespace " + selector.namespace());
            }
            for (DaemonSubmission s : matching) {
                out.println(s.namespace() + ":" + s.driverPodName() + "\t" + phase(s.state()) + "\t" + s.id() + "\t"
                    + Optional.ofNullable(s.observedAt()).orElse("-"));
            }
            return SubmissionCli.EXIT_OK;
        }, selector.namespace());
    }

    /** The daemon's state in the spelling of a pod phase, as the direct {@code --status} prints it. */
    static String phase(String state) {
        if (state == null || state.isEmpty()) {
            return "Unknown";
        }
        String lower = state.toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    private List<DaemonSubmission> select(SubmissionDaemonClient client, DriverPodSelector selector)
        throws InterruptedException {
        return await(client.list(Optional.of(selector.namespace()), List.of())).stream()
            .filter(s -> selector.matches(s.driverPodName()))
            .sorted(Comparator.comparing(DaemonSubmission::driverPodName))
            .toList();
    }

    /** Reports every change of state until the submission ends; reconnects when a stream ends early. */
    private DaemonSubmission follow(SubmissionDaemonClient client, DaemonSubmission submitted, String id)
        throws InterruptedException {
        DaemonSubmission[] last = {submitted};
        while (!last[0].isTerminal()) {
            await(client.watch(submitted.id(), s -> {
                if (!s.state().equals(last[0].state())) {
                    err.println("Driver " + id + ": " + s.state() + Optional.ofNullable(s.message())
                        .map(m -> " (" + m + ")").orElse(""));
                    err.flush();
                }
                last[0] = s;
            }));
            if (!last[0].isTerminal()) {
                // the stream ended before the submission did (a proxy's or the daemon's idle timeout)
                Thread.sleep(1000);
            }
        }
        return last[0];
    }

    /** What is sent: the JSON request and the local files it names by their file names. */
    private record Body(DaemonSubmissionRequest request, DaemonUploads uploads, Map<Path, String> options) {

        /** The options that named local files, e.g. {@code --jars/--files}. */
        String uploadOptions() {
            return String.join("/", new TreeSet<>(options.values()));
        }

        /** The option that named {@code file}, for a message about it. */
        String option(Path file) {
            return options.getOrDefault(file, options.getOrDefault(file.toAbsolutePath().normalize(), "--jars"));
        }
    }

    /** The local files of each bundle, with the options that named them (for messages). */
    private static final class Uploads {
        final List<Path> jars = new ArrayList<>();
        final List<Path> files = new ArrayList<>();
        final Map<Path, String> options = new HashMap<>();
    }

    private Body body(SubmissionRequest request) {
        List<InvalidConfigurationException> problems = new ArrayList<>();
        Uploads uploads = new Uploads();
        String primaryResource = upload("primary resource", request.primaryResource(),
            request.applicationType() == SubmissionRequest.ApplicationType.JAVA ? uploads.jars : uploads.files,
            uploads, problems);
        Map<String, String> conf = new TreeMap<>(request.sparkConf().asMap());
        // the daemon talks to its own cluster, in cluster mode, with its own credentials
        conf.remove("spark.master");
        conf.remove("spark.submit.deployMode");
        conf.keySet().removeIf(key -> {
            if (key.startsWith(CREDENTIALS_PREFIX)) {
                err.println("Warning: " + key + ": ignored with --daemon (the daemon uses its own credentials)");
                return true;
            }
            return false;
        });
        Map<String, List<String>> dependencies = new TreeMap<>();
        DEPENDENCY_OPTIONS.forEach((key, option) -> {
            List<String> items = Optional.ofNullable(conf.remove(key)).stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).filter(v -> !v.isEmpty()).toList();
            List<String> sent = items.stream().map(item -> switch (key) {
                case "spark.jars" -> upload(option, item, uploads.jars, uploads, problems);
                case "spark.files", "spark.submit.pyFiles" -> upload(option, item, uploads.files, uploads, problems);
                default -> uploadArchive(option, item, uploads, problems);
            }).toList();
            dependencies.put(key, sent.isEmpty() ? null : sent);
        });
        DaemonUploads daemonUploads = DaemonUploads.NONE;
        if (problems.isEmpty()) {
            try {
                daemonUploads = new DaemonUploads(uploads.jars, uploads.files);
            } catch (IllegalArgumentException e) {
                Path file = uploads.options.keySet().stream().filter(p -> e.getMessage().startsWith(p + ":"))
                    .findFirst().orElse(null);
                problems.add(new InvalidConfigurationException(file == null ? "--jars" : uploads.options.get(file),
                    e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw InvalidConfigurationException.combine(problems);
        }
        String namespace = conf.remove(KubernetesKeys.NAMESPACE.key());
        conf.remove("spark.app.name");
        return new Body(new DaemonSubmissionRequest(request.appName(), namespace, request.mainClass().orElse(null),
            primaryResource, request.appArgs().isEmpty() ? null : request.appArgs(),
            dependencies.get("spark.jars"), dependencies.get("spark.files"), dependencies.get("spark.submit.pyFiles"),
            dependencies.get("spark.archives"), null, null, null, null, null, conf.isEmpty() ? null : conf),
            daemonUploads, Map.copyOf(uploads.options));
    }

    /**
     * A local file (a path or a {@code file:} URI) is sent in {@code bundle} and named by its file name in
     * the request; anything else is sent as it is.
     */
    private static String upload(String option, String value, List<Path> bundle, Uploads uploads,
        List<InvalidConfigurationException> problems) {
        if (!isLocal(value)) {
            return value;
        }
        Path path;
        try {
            path = value.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(value)) : Path.of(value);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            problems.add(new InvalidConfigurationException(option, "'" + value + "' is not a file path or file: URI"
                + " (" + e.getMessage() + ")"));
            return value;
        }
        bundle.add(path);
        uploads.options.putIfAbsent(path.toAbsolutePath().normalize(), option);
        uploads.options.putIfAbsent(path, option);
        return path.getFileName() == null ? value : path.getFileName().toString();
    }

    /**
     * A local archive goes in the files bundle, as the direct path stages it, and keeps the {@code #name} of
     * the directory it is unpacked into.
     */
    private static String uploadArchive(String option, String value, Uploads uploads,
        List<InvalidConfigurationException> problems) {
        int hash = value.lastIndexOf('#');
        boolean named = hash > 0 && value.indexOf('/', hash) < 0;
        String archive = named ? value.substring(0, hash) : value;
        return upload(option, archive, uploads.files, uploads, problems) + (named ? value.substring(hash) : "");
    }

    private static boolean isLocal(String value) {
        return !URI_SCHEME.matcher(value).matches() || value.toLowerCase(Locale.ROOT).startsWith("file:");
    }

    private SubmissionDaemonClient client() {
        Optional<Path> tokenFile = options.tokenFile();
        if (tokenFile.isEmpty()) {
            throw new InvalidConfigurationException(DaemonOptions.TOKEN_FILE, "missing; the daemon at "
                + options.url() + " needs a bearer token: give the file holding it, e.g. "
                + DaemonOptions.TOKEN_FILE + " ~/.spark-k8s/daemon-token");
        }
        String token;
        try {
            token = Files.readString(tokenFile.get(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InvalidConfigurationException(DaemonOptions.TOKEN_FILE, "cannot read '" + tokenFile.get() + "' ("
                + e.getClass().getSimpleName() + "); give a readable file holding the daemon's bearer token");
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new InvalidConfigurationException(DaemonOptions.TOKEN_FILE, "'" + tokenFile.get() + "' "
                + (token.isEmpty() ? "is empty" : "holds more than one token or non-ASCII characters")
                + "; it must hold the bearer token alone (one line)");
        }
        HttpClient.Builder http = SubmissionDaemonClient.defaultHttpClient();
        if (options.caFile().isPresent()) {
            if (!options.url().getScheme().equalsIgnoreCase("https")) {
                throw new InvalidConfigurationException(DaemonOptions.CA_FILE, "given, but --daemon "
                    + options.url() + " is not https://; the CA file only applies to TLS");
            }
            try {
                http.sslContext(PemTrust.sslContext(options.caFile().get()));
            } catch (IOException | GeneralSecurityException e) {
                throw new InvalidConfigurationException(DaemonOptions.CA_FILE, "cannot read CA certificates from '"
                    + options.caFile().get() + "' (" + e.getMessage() + "); give a PEM file of CA certificates");
            }
        }
        return SubmissionDaemonClient.create(options.url(), token, http.build(), Duration.ofMinutes(2));
    }

    /** A call to the daemon whose failures become the CLI's messages and exit codes. */
    private interface DaemonCall {
        int run() throws InterruptedException;
    }

    private int call(DaemonCall call, String namespace) throws InterruptedException {
        try {
            return call.run();
        } catch (DaemonClientException e) {
            return refused(e, namespace);
        } catch (DaemonUnreachable e) {
            err.println("Error: cannot reach the daemon at " + options.url() + " (--daemon): " + e.getMessage()
                + (e.getCause() instanceof SSLException ? "; if its certificate is not signed by a CA this JVM"
                    + " trusts, give that CA with " + DaemonOptions.CA_FILE + " FILE (PEM)" : ""));
            return SubmissionCli.EXIT_CLUSTER;
        }
    }

    private int refused(DaemonClientException e, String namespace) {
        String message = e.detail();
        switch (e.status()) {
            case 400, 413 -> throw new InvalidConfigurationException(e.field().orElse(DaemonOptions.DAEMON),
                message + " (refused by the daemon at " + options.url() + ")");
            case 401 -> err.println("Error: the daemon at " + options.url() + " did not accept the token in "
                + DaemonOptions.TOKEN_FILE + " " + options.tokenFile().map(Object::toString).orElse("") + " (401);"
                + " check the token and that the daemon's tokens file lists it");
            case 403 -> err.println("Error: the token in " + DaemonOptions.TOKEN_FILE + " "
                + options.tokenFile().map(Object::toString).orElse("") + " may not use namespace " + namespace
                + " (403 from the daemon at " + options.url() + ")");
            default -> err.println("Error: the daemon at " + options.url() + " answered " + e.status() + " "
                + e.error() + ": " + message);
        }
        return SubmissionCli.EXIT_CLUSTER;
    }

    private static String namespace(SparkConf conf) {
        return KubernetesKeys.NAMESPACE.find(conf).orElse("default");
    }

    private static <T> T await(CompletionStage<T> stage) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                : e.getCause();
            if (cause instanceof DaemonClientException refused) {
                throw refused;
            }
            for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c instanceof UploadFileException upload) {
                    throw new UploadFailed(upload);
                }
            }
            if (cause instanceof IOException io) {
                throw new DaemonUnreachable(io);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** A local file could not be sent as it was when the submission started. */
    private static final class UploadFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Path file;

        UploadFailed(UploadFileException cause) {
            super(cause.getMessage(), cause);
            this.file = cause.file();
        }

        Path file() {
            return file;
        }
    }

    /** The daemon could not be reached or the connection broke. */
    private static final class DaemonUnreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DaemonUnreachable(IOException cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }
}
