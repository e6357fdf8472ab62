package io.sparkk8s.submission.cli;

import io.sparkk8s.config.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/spark-k8s submit|kill|status|version}. Results go to stdout, progress
 * and errors to stderr.
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

    /** Exit code for bad usage. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the CLI and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return new CommandLine(new SubmissionCli()).execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Submission is delivered by the submission issue; until then the command says so. */
    @Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit an application in cluster mode (spark-submit options). Not available yet.")
    static final class Submit extends NotYetAvailable {
        Submit() {
            super("submit");
        }
    }

    /** Kill by {@code namespace:pod} is delivered by the submission issue. */
    @Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Kill a driver given as namespace:pod (glob * allowed). Not available yet.")
    static final class Kill extends NotYetAvailable {
        Kill() {
            super("kill");
        }
    }

    /** Status by {@code namespace:pod} is delivered by the submission issue. */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the status of a driver given as namespace:pod (glob * allowed). Not available yet.")
    static final class Status extends NotYetAvailable {
        Status() {
            super("status");
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

    /** A command whose behaviour has not landed yet: it fails with a usage error that says so. */
    abstract static class NotYetAvailable implements Callable<Integer> {
        private final String name;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(hidden = true, arity = "0..*")
        private java.util.List<String> ignored;

        NotYetAvailable(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("spark-k8s " + name
                + ": not available in this build yet (see the open submission issue)");
            return EXIT_USAGE;
        }
    }
}
