package io.sparkk8s.http.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ResourceStagingServerMainTest {

    @Test
    void aPortOutOfRangeIsBadUsageNamingTheOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new ResourceStagingServerMain()).execute("--port", "70000");
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port: 70000 is not a port; use 0..65535");
    }

    @Test
    void helpDocumentsTheOptionsAndExitCodes() {
        String usage = new CommandLine(new ResourceStagingServerMain()).getUsageMessage();

        assertThat(usage).contains("--host", "--port", "--store-root", "Exit codes:", "3");
    }
}
