package io.sparkk8s.config.docs;

import io.sparkk8s.config.catalogue.CatalogueEntry;
import io.sparkk8s.config.catalogue.ConfigCatalogue;
import io.sparkk8s.config.catalogue.Section;
import io.sparkk8s.config.submit.SparkSubmitArguments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code docs/configuration.md} from the {@link ConfigCatalogue}, in the style of Spark's
 * configuration pages: one table per section with Property Name, Default, Meaning and Since Version.
 * A unit test fails when the committed file differs from what this renders.
 */
public final class ConfigurationDocs {

    /** The command that rewrites the committed file, quoted in the file and in the test's failure. */
    public static final String REGENERATE =
        "./mvnw -B -q -pl config test -Dtest=ConfigurationDocsTest -Dsparkk8s.updateDocs=true";

    private ConfigurationDocs() {
    }

    /** Writes the documentation to the file named by the first argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ConfigurationDocs <output file, e.g. docs/configuration.md>");
            System.exit(2);
        }
        Files.writeString(Path.of(args[0]), render(ConfigCatalogue.standard()), StandardCharsets.UTF_8);
    }

    /** The documentation of {@code catalogue} as Markdown. */
    public static String render(ConfigCatalogue catalogue) {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration\n\n");
        out.append("<!-- Generated from the key catalogue in config/ (io.sparkk8s.config.catalogue). Do not edit;"
            + " regenerate with:\n     ").append(REGENERATE).append(" -->\n\n");
        out.append("spark-k8s-submit reads the same configuration as `spark-submit`: `--conf key=value` options, a"
            + " properties file\n(`--properties-file`, else `$SPARK_CONF_DIR/spark-defaults.conf`, else"
            + " `$SPARK_HOME/conf/spark-defaults.conf`)\nand the options below. When a key is given more than once,"
            + " an option's own flag (e.g. `--driver-memory`) wins\nover `--conf`, which wins over the properties"
            + " file. Keys that do not start with `spark.` are ignored with a\nwarning.\n\n");
        out.append("Every key is checked before anything is sent to the cluster: a value that cannot be read or that"
            + " Kubernetes\nwould reject is an error naming the key; a `spark.kubernetes.*` key that is not listed"
            + " here is passed on to\nSpark with a warning that suggests the closest known key. Deprecated names"
            + " (from the original design and\nolder Spark versions) still work, with a warning.\n\n");
        out.append("**Sizes** are whole numbers with an optional binary unit: `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`,"
            + " `t`/`tb`, `p`/`pb`\n(case-insensitive; `1k` = 1024 bytes); without a unit the number is in the unit"
            + " the key states. Fractions\nsuch as `1.5g` are rejected: write `1536m`. **Durations** are whole"
            + " numbers with an optional unit: `us`, `ms`,\n`s`, `m` or `min`, `h`, `d`; without a unit the number is"
            + " in the unit the key states.\n\n");
        out.append("\"Since Version\" is the Spark version that introduced the key, or `")
            .append(ConfigCatalogue.OWN_KEYS_SINCE).append("` for keys of our own.\n\n");

        out.append("## spark-submit options\n\n");
        out.append("| Option | Sets |\n|---|---|\n");
        for (Map.Entry<String, String> option : SparkSubmitArguments.optionKeys().entrySet()) {
            out.append("| `").append(option.getKey()).append("` | `").append(option.getValue()).append("` |\n");
        }
        out.append("\nThe full list of options, including `--kill`, `--status` and `--dry-run`, is printed by"
            + " `bin/spark-k8s submit --help`.\n");

        for (Section section : Section.values()) {
            List<CatalogueEntry> entries = catalogue.entries().stream().filter(e -> e.section() == section).toList();
            if (entries.isEmpty()) {
                continue;
            }
            out.append("\n## ").append(section.title()).append("\n\n").append(section.introduction()).append("\n\n");
            out.append("| Property Name | Default | Meaning | Since Version |\n|---|---|---|---|\n");
            for (CatalogueEntry entry : entries) {
                out.append("| `").append(cell(entry.displayKey())).append("` | ")
                    .append(defaultCell(entry.defaultDescription())).append(" | ")
                    .append(text(entry.doc()));
                if (!entry.deprecatedAliases().isEmpty()) {
                    out.append(" Deprecated name").append(entry.deprecatedAliases().size() > 1 ? "s" : "")
                        .append(": ");
                    out.append(String.join(", ", entry.deprecatedAliases().stream()
                        .map(a -> "`" + cell(a) + "`").toList())).append('.');
                }
                out.append(" | ").append(text(entry.since())).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String defaultCell(String value) {
        if (value.startsWith("(")) {
            return text(value);
        }
        return "`" + cell(value) + "`";
    }

    /** Prose in a cell: HTML-significant characters escaped so that {@code <id>} shows as written. */
    private static String text(String prose) {
        return cell(prose.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
