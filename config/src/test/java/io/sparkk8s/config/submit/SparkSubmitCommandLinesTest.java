package io.sparkk8s.config.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real spark-submit command lines (shapes from Spark's documentation and from scripts in the wild)
 * and what each must produce; the cases are in {@code spark-submit-command-lines.txt}.
 */
class SparkSubmitCommandLinesTest {

    private static final String CASES = "spark-submit-command-lines.txt";

    @TempDir
    Path tmp;

    @Test
    void coversAtLeastSixtyCommandLines() throws IOException {
        assertThat(CommandLineCases.load(CASES)).hasSizeGreaterThanOrEqualTo(60);
    }

    @TestFactory
    Stream<DynamicTest> everyCommandLineProducesWhatItShould() throws IOException {
        return CommandLineCases.load(CASES).stream()
            .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    private void run(CommandLineCases.Case c) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "case");
        for (Map.Entry<String, String> file : c.files().entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue().replace("{tmp}", dir.toString()));
        }
        Map<String, String> env = new LinkedHashMap<>();
        c.env().forEach((k, v) -> env.put(k, v.replace("{tmp}", dir.toString())));
        List<String> words = CommandLineCases.shellWords(c.command().replace("{tmp}", dir.toString()));
        int skip = words.get(0).endsWith("spark-k8s") ? 2 : 1;
        List<String> args = words.subList(skip, words.size());

        if (c.outcome().equals("error")) {
            var thrown = assertThatThrownBy(() -> SparkSubmitArguments.parse(args, env))
                .isInstanceOf(InvalidConfigurationException.class);
            for (String[] e : c.expectations()) {
                if (!e[0].equals("error")) {
                    fail("an error case only has 'error ~' lines: " + String.join(" ", e));
                }
                thrown.hasMessageContaining(e[2].replace("{tmp}", dir.toString()));
            }
            return;
        }
        SparkSubmitCommand command = SparkSubmitArguments.parse(args, env);
        String[] outcome = c.outcome().split(" ", 2);
        switch (outcome[0]) {
            case "help" -> assertThat(command).isInstanceOf(SparkSubmitCommand.Help.class);
            case "version" -> assertThat(command).isInstanceOf(SparkSubmitCommand.Version.class);
            case "kill" -> {
                assertThat(command).isInstanceOf(SparkSubmitCommand.Kill.class);
                SparkSubmitCommand.Kill kill = (SparkSubmitCommand.Kill) command;
                assertThat(kill.target()).isEqualTo(outcome[1]);
                checkConf(c, kill.conf(), Optional.empty(), dir);
            }
            case "status" -> {
                assertThat(command).isInstanceOf(SparkSubmitCommand.Status.class);
                SparkSubmitCommand.Status status = (SparkSubmitCommand.Status) command;
                assertThat(status.target()).isEqualTo(outcome[1]);
                checkConf(c, status.conf(), Optional.empty(), dir);
            }
            case "submit" -> {
                assertThat(command).isInstanceOf(SparkSubmitCommand.Submit.class);
                SparkSubmitCommand.Submit submit = (SparkSubmitCommand.Submit) command;
                assertThat(submit.dryRun()).as("dry run").isEqualTo(c.outcome().equals("submit dry-run"));
                checkConf(c, submit.request().sparkConf(), Optional.of(submit.request()), dir);
            }
            default -> fail("unknown outcome " + c.outcome());
        }
        List<String> expectedWarnings = c.expectations().stream().filter(e -> e[0].equals("warning"))
            .map(e -> e[2]).toList();
        List<ConfigWarning> warnings = command.warnings();
        assertThat(warnings).as("warnings").hasSameSizeAs(expectedWarnings);
        for (int i = 0; i < warnings.size(); i++) {
            assertThat(warnings.get(i).toString()).contains(expectedWarnings.get(i));
        }
    }

    private static void checkConf(CommandLineCases.Case c, SparkConf conf, Optional<SubmissionRequest> request,
                                  Path dir) {
        for (String[] e : c.expectations()) {
            String what = e[0];
            String expected = e[2].replace("{tmp}", dir.toString());
            if (what.equals("warning")) {
                continue;
            }
            if (what.startsWith("conf ")) {
                String key = what.substring(5);
                if (expected.equals("(unset)")) {
                    assertThat(conf.get(key)).as(key).isEmpty();
                } else {
                    assertThat(conf.get(key)).as(key).contains(expected);
                }
                continue;
            }
            SubmissionRequest r = request.orElseThrow(() -> new AssertionError(what + " needs a submit outcome"));
            switch (what) {
                case "class" -> assertThat(r.mainClass()).as("main class")
                    .isEqualTo(expected.equals("(none)") ? Optional.empty() : Optional.of(expected));
                case "resource" -> assertThat(r.primaryResource()).as("primary resource").isEqualTo(expected);
                case "name" -> assertThat(r.appName()).as("app name").isEqualTo(expected);
                case "args" -> assertThat(r.appArgs()).as("app args")
                    .containsExactlyElementsOf(CommandLineCases.shellWords(expected));
                case "master" -> assertThat(r.master().apiServerUrl()).as("master").hasToString(expected);
                case "proxyUser" -> assertThat(r.proxyUser()).as("proxy user").contains(expected);
                case "verbose" -> assertThat(r.verbose()).as("verbose").isEqualTo(Boolean.parseBoolean(expected));
                case "type" -> assertThat(r.applicationType()).as("application type")
                    .hasToString(expected);
                default -> fail("unknown expectation " + what);
            }
        }
    }
}
