package io.sparkk8s.submission.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.config.BuildInfo;
import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.submit.SparkSubmitArguments;
import io.sparkk8s.config.submit.SparkSubmitCommand;
import io.sparkk8s.submission.KubernetesResourceCreator;
import io.sparkk8s.submission.ResourceCreationException;
import io.sparkk8s.submission.staging.ResourceStagingException;
import java.io.PrintWriter;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/spark-k8s submit|kill|status|version}. Results go to stdout, progress
 * and errors to stderr. {@code submit} takes spark-submit's command line as is (its options are
 * parsed by config/'s {@link SparkSubmitArguments}); {@code kill <id>} and {@code status <id>} are
 * shorthands for {@code submit --kill <id>} and {@code submit --status <id>}. With {@code --daemon URL}
 * (and {@code --daemon-token-file}, {@code --daemon-ca-file}) all three go through a submission
 * daemon's REST API instead of to the cluster, with the same ids, output and exit codes.
 */
@Command(name = "spark-k8s",
    mixinStandardHelpOptions = true,
    versionProvider = SubmissionCli.Version.class,
    description = "Submits Apache Spark applications to Kubernetes, spark-submit compatible.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the application failed",
        "2:bad usage (an option or configuration value is invalid)",
        "3:cluster or API error",
    },
    subcommands = {
        SubmissionCli.Submit.class,
        SubmissionCli.Kill.class,
        SubmissionCli.Status.class,
        SubmissionCli.Version.class,
    })
public final class SubmissionCli implements Callable<Integer> {

    /** Exit code for success. */
    public static final int EXIT_OK = 0;
    /** Exit code when the application failed (or was killed while waited for). */
    public static final int EXIT_APP_FAILED = 1;
    /** Exit code for bad usage. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a cluster or API error. */
    public static final int EXIT_CLUSTER = 3;

    private final Map<String, String> env;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private SubmissionCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Runs the CLI and exits the JVM with its exit code; logs go to stderr unless configured otherwise. */
    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            URL cliLogging = SubmissionCli.class.getResource("logback-cli.xml");
            if (cliLogging != null) {
                System.setProperty("logback.configurationFile", cliLogging.toString());
            }
        }
        System.exit(run(args));
    }

    /** Runs the CLI with this process's environment and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs the CLI with {@code env} as its environment ({@code KUBECONFIG}, {@code SPARK_CONF_DIR}, ...). */
    public static int run(Map<String, String> env, String... args) {
        return commandLine(env).execute(args);
    }

    /**
     * Runs the CLI with {@code env} as its environment, writing results to {@code out} and progress
     * and errors to {@code err} instead of the process's streams (for embedding and tests).
     */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine(env);
        commandLine.setOut(out);
        commandLine.setErr(err);
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static CommandLine commandLine(Map<String, String> env) {
        CommandLine commandLine = new CommandLine(new SubmissionCli(env), new Factory(env));
        commandLine.setExpandAtFiles(false);
        commandLine.setUnmatchedOptionsArePositionalParams(true);
        commandLine.getSubcommands().get("submit").setEndOfOptionsDelimiter("\u0000--");
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Runs a spark-submit command line: parse, then submit, kill or report status. */
    static int runSparkSubmit(List<String> args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        try {
            DaemonOptions.Split split = DaemonOptions.split(args);
            List<String> sparkSubmitArgs = split.args();
            if (split.options().isPresent() && !sparkSubmitArgs.contains("--master")
                && sparkSubmitArgs.stream().noneMatch(a -> a.startsWith("--master="))) {
                // the daemon talks to its own cluster: a --master would be unused, so none is required
                sparkSubmitArgs = new ArrayList<>(sparkSubmitArgs);
                sparkSubmitArgs.addAll(0, List.of("--master", "k8s://" + split.options().get().url()));
            }
            SparkSubmitCommand command = SparkSubmitArguments.parse(sparkSubmitArgs, env);
            for (ConfigWarning warning : command.warnings()) {
                err.println("Warning: " + warning);
            }
            if (command instanceof SparkSubmitCommand.Help help) {
                out.print(help.usage());
                out.print(DaemonOptions.USAGE);
                return EXIT_OK;
            }
            if (command instanceof SparkSubmitCommand.Version version) {
                out.println(version.buildInfo().describe());
                return EXIT_OK;
            }
            if (split.options().isPresent()) {
                DaemonClientApplication daemon = new DaemonClientApplication(split.options().get(), out, err);
                if (command instanceof SparkSubmitCommand.Kill kill) {
                    return daemon.kill(kill.target(), kill.conf());
                }
                if (command instanceof SparkSubmitCommand.Status status) {
                    return daemon.status(status.target(), status.conf());
                }
                return daemon.submit((SparkSubmitCommand.Submit) command);
            }
            KubernetesClientApplication application = new KubernetesClientApplication(out, err, env);
            if (command instanceof SparkSubmitCommand.Kill kill) {
                return application.kill(kill.target(), kill.master(), kill.conf());
            }
            if (command instanceof SparkSubmitCommand.Status status) {
                return application.status(status.target(), status.master(), status.conf());
            }
            return application.submit((SparkSubmitCommand.Submit) command);
        } catch (InvalidConfigurationException e) {
            err.println("Error: " + e.getMessage());
            err.println("Run 'spark-k8s submit --help' for the options.");
            return EXIT_USAGE;
        } catch (ResourceCreationException | ResourceStagingException e) {
            err.println("Error: " + e.getMessage());
            return EXIT_CLUSTER;
        } catch (KubernetesClientException e) {
            err.println("Error: the Kubernetes API call failed: " + KubernetesResourceCreator.reason(e));
            return EXIT_CLUSTER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
            return EXIT_CLUSTER;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code submit [spark-submit options] <resource> [app args]}: every argument goes to the parser. */
    @Command(name = "submit",
        description = "Submit an application in cluster mode (spark-submit options; --help lists them).")
    static final class Submit implements Callable<Integer> {
        private final Map<String, String> env;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(arity = "0..*", paramLabel = "ARGS")
        private List<String> args = new ArrayList<>();

        Submit(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            return runSparkSubmit(args, env, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** {@code kill <[namespace:]pod>}: same as {@code submit --kill}. */
    @Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Kill driver pods given as [namespace:]pod ('*' allowed in the pod name); takes --master,"
            + " --conf and the other submit options.")
    static final class Kill extends DriverAction {
        Kill(Map<String, String> env) {
            super("--kill", env);
        }
    }

    /** {@code status <[namespace:]pod>}: same as {@code submit --status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the status of driver pods given as [namespace:]pod ('*' allowed in the pod name);"
            + " takes --master, --conf and the other submit options.")
    static final class Status extends DriverAction {
        Status(Map<String, String> env) {
            super("--status", env);
        }
    }

    /** A subcommand that is spark-submit's {@code --kill}/{@code --status} with the target first. */
    abstract static class DriverAction implements Callable<Integer> {
        private final String flag;
        private final Map<String, String> env;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", paramLabel = "ID", description = "[namespace:]driver-pod-name")
        private String target;

        @CommandLine.Parameters(index = "1..*", paramLabel = "OPTIONS")
        private List<String> options = new ArrayList<>();

        DriverAction(String flag, Map<String, String> env) {
            this.flag = flag;
            this.env = env;
        }

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of(flag, target));
            args.addAll(options);
            return runSparkSubmit(args, env, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** Prints the build's version. */
    @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and exit.")
    static final class Version implements Callable<Integer>, CommandLine.IVersionProvider {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(BuildInfo.current().describe());
            return 0;
        }

        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().describe()};
        }
    }

    /** Hands the environment to the subcommands. */
    private record Factory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == Submit.class) {
                return type.cast(new Submit(env));
            }
            if (type == Kill.class) {
                return type.cast(new Kill(env));
            }
            if (type == Status.class) {
                return type.cast(new Status(env));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
