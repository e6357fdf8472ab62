package io.sparkk8s.config.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkDefaultsFileTest {

    @TempDir
    Path dir;

    @Test
    void readsPropertiesSyntaxAsUtf8AndTrimsValuesButNotEscapedLineBreaks() throws Exception {
        Path file = dir.resolve("spark-defaults.conf");
        Files.writeString(file, String.join("\n",
            "# comment",
            "! also a comment",
            "spark.a   spaced value  \t",
            "spark.b=equals",
            "spark.c : colon",
            "spark.d = continued \\",
            "    line",
            "spark.e = ends with newline\\n",
            "spark.f = caf\u00e9 \\u00e9",
            "spark.g"), StandardCharsets.UTF_8);

        Map<String, String> props = SparkDefaultsFile.load(file, "--properties-file");

        assertThat(props).containsExactly(
            Map.entry("spark.a", "spaced value"),
            Map.entry("spark.b", "equals"),
            Map.entry("spark.c", "colon"),
            Map.entry("spark.d", "continued line"),
            Map.entry("spark.e", "ends with newline\n"),
            Map.entry("spark.f", "caf\u00e9 \u00e9"),
            Map.entry("spark.g", ""));
    }

    @Test
    void findsTheDefaultFileLikeSpark() throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("conf-dir"));
        Path home = Files.createDirectories(dir.resolve("home/conf"));
        Files.writeString(home.resolve("spark-defaults.conf"), "spark.a 1");

        assertThat(SparkDefaultsFile.defaultFile(Map.of("SPARK_HOME", dir.resolve("home").toString())))
            .contains(home.resolve("spark-defaults.conf").toAbsolutePath());
        assertThat(SparkDefaultsFile.defaultFile(Map.of("SPARK_HOME", dir.resolve("home").toString(),
            "SPARK_CONF_DIR", confDir.toString()))).isEmpty();
        assertThat(SparkDefaultsFile.defaultFile(Map.of())).isEmpty();
    }

    @Test
    void refusesADirectoryNamingTheOption() {
        assertThatThrownBy(() -> SparkDefaultsFile.load(dir, "--properties-file"))
            .hasMessage("--properties-file: '" + dir + "' is not a regular file; expected a properties file such as"
                + " conf/spark-defaults.conf");
    }

    @Test
    void refusesMalformedUnicodeEscapes() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.conf"), "spark.a \\uZZZZ");

        assertThatThrownBy(() -> SparkDefaultsFile.load(file, "--properties-file"))
            .hasMessageStartingWith("--properties-file: '" + file + "' is not a valid properties file: ");
    }
}
