package io.sparkk8s.config.submit;

import io.sparkk8s.config.BuildInfo;
import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.config.SubmissionRequest.ApplicationType;
import io.sparkk8s.config.catalogue.ConfigCatalogue;
import io.sparkk8s.config.catalogue.SparkKeys;
import io.sparkk8s.config.catalogue.ValidatedConf;
import io.sparkk8s.config.validation.ClosestMatch;
import io.sparkk8s.config.validation.KubernetesNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a spark-submit command line as used for Kubernetes cluster mode, with spark-submit's rules:
 * options come first, as {@code --opt value} or {@code --opt=value}; the first argument that is not
 * an option is the primary resource (jar, {@code .py} or {@code .R}), and everything after it is
 * the application's arguments, passed on untouched even when they look like options.
 *
 * <p>Configuration is resolved in spark-submit's order, highest first: an option's own flag (e.g.
 * {@code --driver-memory}), {@code --conf}, the properties file ({@code --properties-file}, else the
 * default {@code spark-defaults.conf}, see {@link SparkDefaultsFile#defaultFile}), then the
 * environment variables spark-submit reads ({@code MASTER}, {@code DEPLOY_MODE},
 * {@code SPARK_DRIVER_MEMORY}, {@code SPARK_EXECUTOR_MEMORY}, {@code SPARK_EXECUTOR_CORES}). Keys that
 * do not start with {@code spark.} are dropped with a warning, as spark-submit does. The result is
 * validated against the {@link ConfigCatalogue} before it is returned.
 */
public final class SparkSubmitArguments {

    private static final Pattern INLINE_VALUE = Pattern.compile("(--[^=]+)=(.*)", Pattern.DOTALL);
    private static final Set<String> SHELLS = Set.of("spark-shell", "pyspark-shell", "sparkr-shell");
    private static final String SPARK_INTERNAL = "spark-internal";
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");
    private static final Map<String, String> DEPENDENCY_OPTIONS = Map.of(
        "spark.jars", "--jars", "spark.files", "--files", "spark.submit.pyFiles", "--py-files",
        "spark.archives", "--archives");
    private static final Map<String, OptionSpec> OPTIONS = new LinkedHashMap<>();

    static {
        for (OptionSpec spec : OptionSpec.ALL) {
            spec.names().forEach(n -> OPTIONS.put(n, spec));
        }
    }

    private final Map<String, String> env;
    private final Map<String, String> flagConf = new LinkedHashMap<>();
    private final Map<String, String> cliConf = new LinkedHashMap<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private String master;
    private String deployMode;
    private String mainClass;
    private String propertiesFile;
    private String proxyUser;
    private String kill;
    private String status;
    private boolean verbose;
    private boolean dryRun;
    private String primaryResource;
    private List<String> appArgs = List.of();

    private SparkSubmitArguments(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Parses and validates a spark-submit command line (without the program name).
     *
     * @param args the arguments
     * @param env the environment variables to consult ({@code SPARK_CONF_DIR}, {@code SPARK_HOME},
     *     {@code MASTER}, ...); pass {@code System.getenv()} in production
     * @return what the command line asks for
     * @throws InvalidConfigurationException naming the option or key at fault, the value and what
     *     would be valid; several problems are reported together (see
     *     {@link InvalidConfigurationException#problems()})
     */
    public static SparkSubmitCommand parse(List<String> args, Map<String, String> env) {
        return new SparkSubmitArguments(env).run(args);
    }

    /** The usage text listing every option, for {@code bin/spark-k8s submit --help}. */
    public static String usageText() {
        return OptionSpec.usage();
    }

    /** The options that set a configuration key, in usage order: option name to key. */
    public static Map<String, String> optionKeys() {
        Map<String, String> result = new LinkedHashMap<>();
        OptionSpec.ALL.stream().filter(o -> o.key() != null).forEach(o -> result.put(o.names().get(0), o.key()));
        return result;
    }

    private SparkSubmitCommand run(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String inline = null;
            Matcher m = INLINE_VALUE.matcher(arg);
            if (m.matches()) {
                name = m.group(1);
                inline = m.group(2);
            }
            OptionSpec spec = OPTIONS.get(name);
            if (spec == null) {
                if (arg.startsWith("-")) {
                    throw new InvalidConfigurationException(arg, "unknown option; see --help for the options"
                        + closestOption(name).map(o -> " (did you mean " + o + "?)").orElse("")
                        + ". Application arguments go after the primary resource.");
                }
                primaryResource = arg;
                appArgs = List.copyOf(args.subList(i + 1, args.size()));
                break;
            }
            String value = null;
            if (spec.valueName() != null) {
                if (inline != null) {
                    value = inline;
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new InvalidConfigurationException(name, "missing value; expected " + name + " "
                        + spec.valueName());
                }
                if (value.isEmpty()) {
                    throw new InvalidConfigurationException(name, "empty value; expected " + name + " "
                        + spec.valueName());
                }
            } else if (inline != null) {
                throw new InvalidConfigurationException(name, "takes no value, but '" + arg + "' gives one; write "
                    + name + " alone");
            }
            SparkSubmitCommand immediate = handle(spec, name, value);
            if (immediate != null) {
                return immediate;
            }
        }
        return finish();
    }

    private SparkSubmitCommand handle(OptionSpec spec, String name, String value) {
        switch (spec.names().get(0)) {
            case "--help" -> {
                return new SparkSubmitCommand.Help(usageText());
            }
            case "--version" -> {
                return new SparkSubmitCommand.Version(BuildInfo.current());
            }
            case "--master" -> master = value;
            case "--deploy-mode" -> deployMode = value;
            case "--class" -> mainClass = value;
            case "--properties-file" -> propertiesFile = value;
            case "--proxy-user" -> proxyUser = value;
            case "--kill" -> kill = value;
            case "--status" -> status = value;
            case "--verbose" -> verbose = true;
            case "--dry-run" -> dryRun = true;
            case "--conf" -> {
                int eq = value.indexOf('=');
                if (eq < 0) {
                    throw new InvalidConfigurationException(name, "'" + value + "' has no '='; expected " + name
                        + " key=value, e.g. " + name + " spark.kubernetes.namespace=spark-jobs");
                }
                if (eq == 0) {
                    throw new InvalidConfigurationException(name, "'" + value + "' has an empty key; expected "
                        + name + " key=value");
                }
                cliConf.put(value.substring(0, eq), value.substring(eq + 1));
            }
            default -> {
                if (spec.key() == null) {
                    throw new IllegalStateException("unhandled option " + name);
                }
                flagConf.put(spec.key(), value == null ? "true" : value);
            }
        }
        return null;
    }

    private SparkSubmitCommand finish() {
        TreeMap<String, String> properties = new TreeMap<>();
        Optional<Path> file = propertiesFile != null ? Optional.of(pathOf(propertiesFile))
            : SparkDefaultsFile.defaultFile(env);
        file.ifPresent(f -> properties.putAll(SparkDefaultsFile.load(f, "--properties-file")));
        properties.putAll(cliConf);
        properties.keySet().removeIf(key -> {
            if (key.startsWith("spark.")) {
                return false;
            }
            warnings.add(new ConfigWarning(key, "ignored: not a Spark property (Spark reads only keys that start"
                + " with spark.)"));
            return true;
        });
        properties.putAll(flagConf);
        fromEnvIfUnset(properties, SparkKeys.DRIVER_MEMORY.key(), "SPARK_DRIVER_MEMORY");
        fromEnvIfUnset(properties, SparkKeys.EXECUTOR_MEMORY.key(), "SPARK_EXECUTOR_MEMORY");
        fromEnvIfUnset(properties, SparkKeys.EXECUTOR_CORES.key(), "SPARK_EXECUTOR_CORES");

        if (kill != null && status != null) {
            throw new InvalidConfigurationException("--kill", "given together with --status; ask for one at a time");
        }
        List<InvalidConfigurationException> problems = new ArrayList<>();
        KubernetesMasterUrl masterUrl = resolveMaster(properties, problems);
        if (kill != null || status != null) {
            String target = kill != null ? kill : status;
            submissionIdProblem(kill != null ? "--kill" : "--status", target).ifPresent(problems::add);
            // A shared spark-defaults.conf may say client mode; that is irrelevant to finding a driver.
            properties.put(SparkKeys.DEPLOY_MODE.key(), "cluster");
            ValidatedConf validated = validate(properties, problems);
            return kill != null
                ? new SparkSubmitCommand.Kill(target, masterUrl, validated.conf(), allWarnings(validated))
                : new SparkSubmitCommand.Status(target, masterUrl, validated.conf(), allWarnings(validated));
        }
        checkDeployMode(properties, problems);
        ApplicationType type = null;
        if (primaryResource == null) {
            problems.add(new InvalidConfigurationException("primary resource", "missing; give the application jar,"
                + " .py or .R file after the options, e.g. local:///opt/spark/examples/jars/spark-examples.jar"));
        } else if (SHELLS.contains(primaryResource)) {
            problems.add(new InvalidConfigurationException("primary resource", "'" + primaryResource + "' is an"
                + " interactive shell; shells need a driver on this machine (client mode), which this tool does not"
                + " do: use spark-submit or " + primaryResource.replace("-shell", "") + " directly"));
        } else {
            type = ApplicationType.of(primaryResource);
            checkMainClass(type, problems);
            if (!primaryResource.equals(SPARK_INTERNAL)) {
                localFileProblem("primary resource", primaryResource).ifPresent(problems::add);
            }
            checkLocalDependencies(properties, problems);
            if (type != ApplicationType.PYTHON && flagConf.containsKey(SparkKeys.PY_FILES.key())) {
                problems.add(new InvalidConfigurationException("--py-files", "given, but the primary resource '"
                    + primaryResource + "' is not a Python file (.py); --py-files is for Python applications"));
            }
        }
        if (proxyUser != null && properties.containsKey(SparkKeys.KERBEROS_PRINCIPAL.key())) {
            problems.add(new InvalidConfigurationException("--proxy-user", "given together with --principal"
                + " (spark.kerberos.principal); give only one of them"));
        }
        String appName = Optional.ofNullable(properties.get(SparkKeys.APP_NAME.key()))
            .or(() -> Optional.ofNullable(mainClass))
            .orElseGet(() -> primaryResource == null ? "" : fileName(primaryResource));
        properties.put(SparkKeys.APP_NAME.key(), appName);
        properties.put(SparkKeys.DEPLOY_MODE.key(), "cluster");
        ValidatedConf validated = validate(properties, problems);
        SubmissionRequest request = new SubmissionRequest(masterUrl,
            type == ApplicationType.JAVA ? Optional.ofNullable(mainClass) : Optional.empty(),
            appName, primaryResource, appArgs, validated.conf(), Optional.ofNullable(proxyUser), verbose);
        return new SparkSubmitCommand.Submit(request, dryRun, allWarnings(validated));
    }

    private KubernetesMasterUrl resolveMaster(Map<String, String> properties, List<InvalidConfigurationException> p) {
        String value = Optional.ofNullable(master).or(() -> Optional.ofNullable(properties.get(SparkKeys.MASTER.key())))
            .or(() -> Optional.ofNullable(env.get("MASTER"))).orElse(null);
        if (value == null) {
            p.add(new InvalidConfigurationException("--master", "missing; expected k8s://<host>:<port>, e.g."
                + " --master k8s://https://kubernetes.example.com:6443"));
            return null;
        }
        properties.put(SparkKeys.MASTER.key(), value);
        try {
            return KubernetesMasterUrl.parse(value);
        } catch (InvalidConfigurationException e) {
            p.add(e);
            return null;
        }
    }

    /**
     * Local dependencies ({@code file:} URIs and paths without scheme) are uploaded from this
     * machine, so they must exist here; globs are left to the upload, as Spark expands them there.
     */
    private void checkLocalDependencies(Map<String, String> properties, List<InvalidConfigurationException> problems) {
        for (String key : List.of("spark.jars", "spark.files", "spark.submit.pyFiles", "spark.archives")) {
            String option = flagConf.containsKey(key) ? DEPENDENCY_OPTIONS.get(key) : key;
            String value = properties.get(key);
            if (value == null) {
                continue;
            }
            for (String item : value.split(",")) {
                String path = item.trim();
                if (key.equals("spark.archives")) {
                    path = path.replaceFirst("#[^/]*$", "");
                }
                if (!path.isEmpty()) {
                    localFileProblem(option, path).ifPresent(problems::add);
                }
            }
        }
    }

    private static Optional<InvalidConfigurationException> localFileProblem(String option, String resource) {
        String path;
        if (resource.startsWith("file://")) {
            path = resource.substring("file://".length());
        } else if (resource.startsWith("file:")) {
            path = resource.substring("file:".length());
        } else if (URI_SCHEME.matcher(resource).matches()) {
            return Optional.empty();
        } else {
            path = resource;
        }
        if (path.contains("*") || path.contains("?") || path.contains("[")) {
            return Optional.empty();
        }
        try {
            if (Files.isRegularFile(Path.of(path)) && Files.isReadable(Path.of(path))) {
                return Optional.empty();
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        return Optional.of(new InvalidConfigurationException(option, "'" + resource + "' does not exist or is not a"
            + " readable file; local files are uploaded from this machine, so they must exist here (use local:// for"
            + " files already in the image)"));
    }

    /**
     * A submission id is {@code [namespace:]pod-name}; the pod name may contain {@code *} as a glob,
     * the namespace may not.
     */
    private static Optional<InvalidConfigurationException> submissionIdProblem(String option, String target) {
        int colon = target.indexOf(':');
        String namespace = colon >= 0 ? target.substring(0, colon) : null;
        String pod = colon >= 0 ? target.substring(colon + 1) : target;
        Optional<String> problem = Optional.empty();
        if (namespace != null) {
            problem = KubernetesNames.dnsLabelProblem(namespace, "namespace");
        }
        if (problem.isEmpty()) {
            problem = pod.equals("*") ? Optional.empty()
                : KubernetesNames.dnsSubdomainProblem(pod.replace("*", "x"), "pod name").map(p -> p.replace(
                    "'" + pod.replace("*", "x") + "'", "'" + pod + "'"));
        }
        return problem.map(p -> new InvalidConfigurationException(option, "'" + target + "' is not a submission id: "
            + p + " (expected [namespace:]pod-name, '*' allowed in the pod name)"));
    }

    private void checkDeployMode(Map<String, String> properties, List<InvalidConfigurationException> problems) {
        String option = deployMode != null ? "--deploy-mode" : SparkKeys.DEPLOY_MODE.key();
        String value = Optional.ofNullable(deployMode)
            .or(() -> Optional.ofNullable(properties.get(SparkKeys.DEPLOY_MODE.key())))
            .or(() -> Optional.ofNullable(env.get("DEPLOY_MODE"))).orElse("cluster");
        if (value.equals("client")) {
            problems.add(new InvalidConfigurationException(option, "client mode is not supported: it runs the driver"
                + " in the submitting process, and this tool only creates drivers in the cluster; use --deploy-mode"
                + " cluster, or Spark's own spark-submit for client mode"));
        } else if (!value.equals("cluster")) {
            problems.add(new InvalidConfigurationException(option, "'" + value + "' is not a deploy mode; expected"
                + " cluster"));
        }
    }

    private void checkMainClass(ApplicationType type, List<InvalidConfigurationException> problems) {
        if (type != ApplicationType.JAVA) {
            if (mainClass != null) {
                warnings.add(new ConfigWarning("--class", "ignored for a " + (type == ApplicationType.PYTHON
                    ? "Python" : "R") + " application; Spark runs " + primaryResource + " itself"));
            }
            return;
        }
        if (mainClass == null) {
            mainClass = mainClassFromManifest().orElse(null);
        }
        if (mainClass == null) {
            problems.add(new InvalidConfigurationException("--class", "missing; a Java/Scala application needs its main"
                + " class, e.g. --class org.apache.spark.examples.SparkPi (it can be read from the jar's manifest only"
                + " when the jar is a local file with a Main-Class)"));
        }
    }

    private Optional<String> mainClassFromManifest() {
        String resource = primaryResource;
        if (resource.startsWith("file://")) {
            resource = resource.substring("file://".length());
        } else if (resource.startsWith("file:")) {
            resource = resource.substring("file:".length());
        } else if (URI_SCHEME.matcher(resource).matches()) {
            return Optional.empty();
        }
        try {
            Path jar = Path.of(resource);
            if (!Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                return Optional.ofNullable(jarFile.getManifest())
                    .map(mf -> mf.getMainAttributes().getValue("Main-Class"))
                    .map(String::trim).filter(s -> !s.isEmpty());
            }
        } catch (IOException | InvalidPathException e) {
            return Optional.empty();
        }
    }

    private ValidatedConf validate(Map<String, String> properties, List<InvalidConfigurationException> problems) {
        SparkConf conf = SparkConf.of(properties);
        try {
            ValidatedConf validated = ConfigCatalogue.standard().validate(conf);
            if (problems.isEmpty()) {
                return validated;
            }
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        throw InvalidConfigurationException.combine(problems);
    }

    private List<ConfigWarning> allWarnings(ValidatedConf validated) {
        List<ConfigWarning> all = new ArrayList<>(warnings);
        all.addAll(validated.warnings());
        return all;
    }

    private void fromEnvIfUnset(Map<String, String> properties, String key, String variable) {
        if (!properties.containsKey(key) && env.get(variable) != null) {
            properties.put(key, env.get(variable));
        }
    }

    private static Path pathOf(String file) {
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException("--properties-file", "'" + file + "' is not a valid path: "
                + e.getReason());
        }
    }

    private static String fileName(String resource) {
        String path = resource.replaceFirst("[?#].*$", "");
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    private static Optional<String> closestOption(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return OPTIONS.keySet().stream().filter(o -> o.startsWith("--"))
            .filter(o -> ClosestMatch.distance(lower, o) <= 2)
            .findFirst();
    }
}
