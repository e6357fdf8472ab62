package io.sparkk8s.submission.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.config.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit", "kill", "status", "version"})
    void everySubcommandHasHelp(String subcommand) {
        int exit = SubmissionCli.run(subcommand, "--help");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: spark-k8s " + subcommand);
    }

    @Test
    void versionPrintsTheBuildVersionToStdout() {
        int exit = SubmissionCli.run("version");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(BuildInfo.current().version());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        int exit = SubmissionCli.run("sumbit");

        assertThat(exit).isEqualTo(SubmissionCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("sumbit");
    }
}
