package io.sparkk8s.http.daemon;

import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.config.submit.SparkSubmitArguments;
import io.sparkk8s.config.submit.SparkSubmitCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@link SubmissionBody} into a validated {@link SubmissionRequest} by building the
 * equivalent spark-submit command line and parsing it with the CLI's parser, so the daemon accepts
 * exactly what the CLI accepts and says the same about what it refuses. Problems are reported with
 * the JSON field they come from ({@link FieldProblem}).
 */
public final class SubmissionTranslator {

    /** Annotation on the driver pod holding the application name. */
    public static final String APP_NAME_ANNOTATION = DriverPodObservation.APP_NAME_ANNOTATION;

    private static final String NAMESPACE_KEY = "spark.kubernetes.namespace";
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");
    private static final String UPLOAD_MARK = "spark-k8s-uploaded:";
    private static final Pattern UPLOADED_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");
    private static final Map<String, String> OPTION_FIELDS = Map.ofEntries(
        Map.entry("--name", "name"), Map.entry("--class", "mainClass"), Map.entry("primary resource",
            "primaryResource"), Map.entry("--jars", "jars"), Map.entry("--files", "files"),
        Map.entry("--py-files", "pyFiles"), Map.entry("--archives", "archives"),
        Map.entry("--driver-memory", "driverMemory"), Map.entry("--driver-cores", "driverCores"),
        Map.entry("--executor-memory", "executorMemory"), Map.entry("--executor-cores", "executorCores"),
        Map.entry("--num-executors", "numExecutors"), Map.entry(NAMESPACE_KEY, "namespace"));
    /**
     * Keys whose value is a path the daemon would read from its own disk. The credential and trust files
     * are copied into a Secret the driver or init-container mounts: with a path of the daemon's machine
     * (its service account token, its tokens file) they would hand the daemon's secrets to the request's
     * namespace.
     */
    private static final Set<String> LOCAL_FILE_KEYS = Set.of("spark.kubernetes.driver.podTemplateFile",
        "spark.kubernetes.executor.podTemplateFile", "spark.kerberos.keytab", "spark.kubernetes.kerberos.krb5.path",
        "spark.yarn.keytab", "spark.kubernetes.driver.docker.image.podTemplateFile",
        "spark.kubernetes.authenticate.driver.caCertFile", "spark.kubernetes.authenticate.driver.clientKeyFile",
        "spark.kubernetes.authenticate.driver.clientCertFile", "spark.kubernetes.authenticate.driver.oauthTokenFile",
        "spark.ssl.kubernetes.resourceStagingServer.trustStore",
        "spark.ssl.kubernetes.resourceStagingServer.clientCertPem",
        "spark.ssl.kubernetes.resourceStagingServer.trustStorePasswordFile",
        "spark.ssl.kubernetes.resourceStagingServer.internal.trustStore",
        "spark.ssl.kubernetes.resourceStagingServer.internal.clientCertPem",
        "spark.ssl.kubernetes.resourceStagingServer.internal.trustStorePasswordFile");
    private static final List<String> REFUSED_PREFIXES = List.of("spark.kubernetes.authenticate.submission.",
        "spark.master", "spark.submit.deployMode");

    private final String masterUrl;

    /** @param masterUrl the API server the daemon talks to, as {@code k8s://https://host:port} */
    public SubmissionTranslator(String masterUrl) {
        this.masterUrl = masterUrl;
    }

    /**
     * The request {@code body} asks for.
     *
     * @throws FieldProblem naming the JSON field (or {@code conf.<key>}) at fault, with the CLI's message
     */
    public SubmissionRequest translate(SubmissionBody body) {
        return translate(body, false);
    }

    /**
     * The request {@code body} asks for; with {@code uploads} (the {@code submission} part of a multipart
     * request) {@code primaryResource}, {@code jars}, {@code files}, {@code pyFiles} and {@code archives} (with
     * an optional {@code #name}) may also be plain file names, naming files of the request's {@code jars} and
     * {@code files} bundles (archives travel in the files bundle, as on the CLI's direct path).
     *
     * @throws FieldProblem naming the JSON field (or {@code conf.<key>}) at fault, with the CLI's message
     */
    public SubmissionRequest translate(SubmissionBody body, boolean uploads) {
        List<FieldProblem.Problem> problems = new ArrayList<>();
        if (body.primaryResource() == null || body.primaryResource().isBlank()) {
            throw new FieldProblem(List.of(new FieldProblem.Problem("primaryResource",
                "missing; give the application jar, .py or .R file as a remote URI, e.g. local:///opt/app.jar")));
        }
        requireRemote("primaryResource", body.primaryResource(), uploads, problems);
        for (var e : Map.of("jars", nz(body.jars()), "files", nz(body.files()), "pyFiles", nz(body.pyFiles()))
            .entrySet()) {
            for (int i = 0; i < e.getValue().size(); i++) {
                requireRemote(e.getKey() + "[" + i + "]", e.getValue().get(i), uploads, problems);
            }
        }
        for (int i = 0; i < nz(body.archives()).size(); i++) {
            String archive = body.archives().get(i);
            // an uploaded archive may name the directory it is unpacked into: env.tar.gz#env
            int hash = archive == null ? -1 : archive.lastIndexOf('#');
            if (uploads && hash > 0 && isLocal(archive) && !UPLOADED_NAME.matcher(archive.substring(hash + 1))
                .matches()) {
                problems.add(new FieldProblem.Problem("archives[" + i + "]", "'" + archive + "' names the directory"
                    + " to unpack into after '#' with letters, digits, '.', '_', '+', '-' only"));
                continue;
            }
            requireRemote("archives[" + i + "]", uploads && hash > 0 && isLocal(archive) ? archive.substring(0, hash)
                : archive, uploads, problems);
        }
        Map<String, String> conf = new LinkedHashMap<>();
        if (body.conf() != null) {
            body.conf().forEach((k, v) -> {
                String field = "conf." + k;
                if (k == null || v == null) {
                    problems.add(new FieldProblem.Problem(field, "a value is required (null given)"));
                } else if (REFUSED_PREFIXES.stream().anyMatch(k::startsWith)) {
                    problems.add(new FieldProblem.Problem(field, "set by the daemon, not by a request"
                        + " (the daemon talks to its own cluster with its own credentials)"));
                } else if (LOCAL_FILE_KEYS.contains(k) && isLocal(v)) {
                    problems.add(new FieldProblem.Problem(field, "'" + v + "' is a path on the daemon's machine;"
                        + " give a remote URI (local:// in the image, http(s)://, hdfs://, s3a://, ...)"));
                } else {
                    conf.put(k, v);
                }
            });
        }
        if (body.namespace() != null) {
            String fromConf = conf.get(NAMESPACE_KEY);
            if (fromConf != null && !fromConf.equals(body.namespace())) {
                problems.add(new FieldProblem.Problem("namespace", "'" + body.namespace() + "' disagrees with conf."
                    + NAMESPACE_KEY + "='" + fromConf + "'; give one of them"));
            }
            conf.put(NAMESPACE_KEY, body.namespace());
        }
        if (!problems.isEmpty()) {
            throw new FieldProblem(problems);
        }
        List<String> argv = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "cluster"));
        option(argv, "--name", body.name());
        option(argv, "--class", body.mainClass());
        list(argv, "--jars", uploaded(body.jars(), uploads));
        list(argv, "--files", uploaded(body.files(), uploads));
        list(argv, "--py-files", uploaded(body.pyFiles(), uploads));
        list(argv, "--archives", uploaded(body.archives(), uploads));
        option(argv, "--driver-memory", body.driverMemory());
        option(argv, "--driver-cores", body.driverCores());
        option(argv, "--executor-memory", body.executorMemory());
        option(argv, "--executor-cores", body.executorCores());
        option(argv, "--num-executors", body.numExecutors());
        conf.forEach((k, v) -> argv.addAll(List.of("--conf", k + "=" + v)));
        argv.add(uploaded(List.of(body.primaryResource()), uploads).get(0));
        argv.addAll(nz(body.args()));
        try {
            SparkSubmitCommand command = SparkSubmitArguments.parse(argv, Map.of());
            if (command instanceof SparkSubmitCommand.Submit submit) {
                return uploads ? withUploadedNames(submit.request()) : submit.request();
            }
            throw new FieldProblem(List.of(new FieldProblem.Problem("primaryResource",
                "'" + body.primaryResource() + "' does not make a submission")));
        } catch (InvalidConfigurationException e) {
            throw new FieldProblem(e.problems().stream()
                .map(p -> new FieldProblem.Problem(field(p.option()), p.getMessage())).toList());
        }
    }

    private static String field(String option) {
        String known = OPTION_FIELDS.get(option);
        if (known != null) {
            return known;
        }
        if (option.startsWith("spark.")) {
            for (var e : SparkSubmitArguments.optionKeys().entrySet()) {
                if (e.getValue().equals(option) && OPTION_FIELDS.containsKey(e.getKey())) {
                    return OPTION_FIELDS.get(e.getKey());
                }
            }
            return "conf." + option;
        }
        return option.startsWith("--") ? "conf" : option;
    }

    private static void requireRemote(String field, String value, boolean uploads,
        List<FieldProblem.Problem> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldProblem.Problem(field, "an empty value; give a URI"));
        } else if (value.startsWith("-")) {
            problems.add(new FieldProblem.Problem(field, "'" + value + "' is not a URI"));
        } else if (uploads && isLocal(value)) {
            if (!UPLOADED_NAME.matcher(value).matches()) {
                problems.add(new FieldProblem.Problem(field, "'" + value + "' is neither a remote URI nor the plain"
                    + " name of an uploaded file (letters, digits, '.', '_', '+', '-'; no directories)"));
            }
        } else if (isLocal(value)) {
            problems.add(new FieldProblem.Problem(field, "'" + value + "' is a path on the daemon's machine; give a"
                + " remote URI (local:// for a file in the image, http(s)://, hdfs://, s3a://, ...) or upload it"
                + " with the multipart request"));
        }
    }

    /**
     * The names of uploaded files, marked so that the CLI's parser, which checks that local files exist
     * on this machine, takes them as URIs; {@link #withUploadedNames} removes the mark after parsing.
     */
    private static List<String> uploaded(List<String> values, boolean uploads) {
        if (!uploads || values == null) {
            return values;
        }
        return values.stream().map(v -> v != null && isLocal(v) ? UPLOAD_MARK + v : v).toList();
    }

    private static SubmissionRequest withUploadedNames(SubmissionRequest r) {
        SparkConf conf = r.sparkConf();
        for (String key : List.of("spark.jars", "spark.files", "spark.submit.pyFiles", "spark.archives")) {
            if (conf.contains(key)) {
                conf = conf.with(key, conf.get(key).orElseThrow().replace(UPLOAD_MARK, ""));
            }
        }
        return new SubmissionRequest(r.master(), r.mainClass(), r.appName(), r.primaryResource().replace(UPLOAD_MARK,
            ""), r.appArgs(), conf, r.proxyUser(), r.verbose());
    }

    private static boolean isLocal(String value) {
        return !URI_SCHEME.matcher(value).matches() || value.toLowerCase(Locale.ROOT).startsWith("file:");
    }

    private static List<String> nz(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static void option(List<String> argv, String option, String value) {
        if (value != null) {
            argv.add(option + "=" + value);
        }
    }

    private static void list(List<String> argv, String option, List<String> values) {
        if (values != null && !values.isEmpty()) {
            argv.add(option + "=" + String.join(",", values));
        }
    }

    /** A request a user got wrong: one or more problems, each naming its JSON field. */
    public static final class FieldProblem extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient List<Problem> problems;

        /** @param problems what is wrong, at least one */
        public FieldProblem(List<Problem> problems) {
            super(problems.get(0).field() + ": " + problems.get(0).message());
            this.problems = List.copyOf(problems);
        }

        /** Every problem. */
        public List<Problem> problems() {
            return problems;
        }

        /**
         * One problem.
         *
         * @param field the JSON field, e.g. {@code driverMemory} or {@code conf.spark.driver.memory}
         * @param message what is wrong and what would be valid
         */
        public record Problem(String field, String message) {
        }
    }
}
