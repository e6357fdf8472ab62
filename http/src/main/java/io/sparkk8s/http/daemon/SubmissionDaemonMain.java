package io.sparkk8s.http.daemon;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/spark-k8s daemon}: the long-running REST submission service (delivered by the daemon issue). */
@Command(name = "spark-k8s daemon", mixinStandardHelpOptions = true,
    description = "Run the submission daemon (REST over the Java API). Not available yet.")
public final class SubmissionDaemonMain implements Callable<Integer> {

    /** Exit code for "not available in this build". */
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the daemon command and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SubmissionDaemonMain()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("spark-k8s daemon: not available in this build yet"
            + " (see the open submission daemon issue)");
        return EXIT_USAGE;
    }
}
