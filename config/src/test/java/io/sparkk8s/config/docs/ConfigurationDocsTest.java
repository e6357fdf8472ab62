package io.sparkk8s.config.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.config.catalogue.CatalogueEntry;
import io.sparkk8s.config.catalogue.ConfigCatalogue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigurationDocsTest {

    /** The committed file, relative to the config module (surefire's working directory). */
    private static final Path COMMITTED = Path.of("..", "docs", "configuration.md");

    @Test
    void committedConfigurationDocsMatchTheCatalogue() throws IOException {
        String rendered = ConfigurationDocs.render(ConfigCatalogue.standard());
        if (Boolean.getBoolean("sparkk8s.updateDocs")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, rendered, StandardCharsets.UTF_8);
        }

        assertThat(Files.exists(COMMITTED))
            .as("docs/configuration.md is missing; generate it with: " + ConfigurationDocs.REGENERATE)
            .isTrue();
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
            .as("docs/configuration.md is stale (the catalogue changed); regenerate it with: "
                + ConfigurationDocs.REGENERATE)
            .isEqualTo(rendered);
    }

    @Test
    void documentsEveryKeyAndDeprecatedNameInSparksTableStyle() {
        String rendered = ConfigurationDocs.render(ConfigCatalogue.standard());

        assertThat(rendered).contains("| Property Name | Default | Meaning | Since Version |");
        for (CatalogueEntry entry : ConfigCatalogue.standard().entries()) {
            assertThat(rendered).contains("| `" + entry.displayKey() + "` |");
            entry.deprecatedAliases().forEach(alias -> assertThat(rendered).contains("`" + alias + "`"));
        }
        assertThat(rendered).contains("| `spark.driver.memory` | `1g` |")
            .contains("| `--driver-memory` | `spark.driver.memory` |");
    }
}
