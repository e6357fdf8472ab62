package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InitContainerMainTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new InitContainerMain()).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void createsTheDownloadDirectoriesAndSucceedsWhenNothingIsRequested() throws IOException {
        Path jars = dir.resolve("jars");
        Path files = dir.resolve("files");
        Path props = Files.writeString(dir.resolve("p.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + jars + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + files + "\n");

        assertThat(run("--properties-file", props.toString())).isZero();
        assertThat(jars).isDirectory();
        assertThat(files).isDirectory();
    }

    @Test
    void aMissingPropertiesFileIsAUsageErrorNamingIt() {
        assertThat(run("--properties-file", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--properties-file").contains("missing");
    }
}
