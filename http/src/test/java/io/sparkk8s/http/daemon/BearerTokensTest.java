package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokensTest {

    @TempDir
    Path dir;

    @Test
    void eachTokenIsBoundToItsNamespacesAndStarMeansAll() {
        BearerTokens tokens = BearerTokens.parse(List.of("# comment", "", "  a  team-a,shared ", "b *"), "t");

        BearerTokens.Caller a = tokens.authenticate("a").orElseThrow();
        assertThat(a.namespaces()).isEqualTo(Set.of("team-a", "shared"));
        assertThat(a.mayUse("shared")).isTrue();
        assertThat(a.mayUse("team-b")).isFalse();
        assertThat(tokens.authenticate("b").orElseThrow().mayUse("anything")).isTrue();
        assertThat(tokens.authenticate("c")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(a.name()).isEqualTo("token-1").doesNotContain("a ");
    }

    @Test
    void aLineWithoutNamespacesIsRefusedNamingTheFileAndLine() {
        assertThatThrownBy(() -> BearerTokens.parse(List.of("ok ns", "lonely-token"), "/etc/tokens"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/etc/tokens line 2")
            .hasMessageNotContaining("lonely-token");
    }

    @Test
    void theFileIsReadAgainWhenItChangesAndABrokenFileKeepsTheOldTokens() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "old ns\n");
        ReloadingTokens tokens = new ReloadingTokens(file);
        assertThat(tokens.get().authenticate("old")).isPresent();

        Files.writeString(file, "new ns\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(10)).until(() -> tokens.get().authenticate("new").isPresent());
        assertThat(tokens.get().authenticate("old")).isEmpty();

        Files.writeString(file, "broken\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
            .until(() -> tokens.get().authenticate("new").isPresent());
    }

    @Test
    void pagesAreStableAndAForgedTokenIsRefused() {
        List<Paging.Keyed<String>> items = List.of(new Paging.Keyed<>("3", "c"), new Paging.Keyed<>("1", "a"),
            new Paging.Keyed<>("2", "b"));

        Paging.Page<String> first = Paging.page(items, 2, java.util.Optional.empty());
        Paging.Page<String> second = Paging.page(items, 2, first.nextToken());

        assertThat(first.items()).containsExactly("a", "b");
        assertThat(second.items()).containsExactly("c");
        assertThat(second.nextToken()).isEmpty();
        assertThatThrownBy(() -> Paging.page(items, 2, java.util.Optional.of("p1.!!!")))
            .isInstanceOf(SubmissionBackend.InvalidPageToken.class).hasMessageStartingWith("pageToken:");
    }

    @Test
    void theDefaultsAreDocumentedValuesAndABadPageSizeIsNamed() {
        DaemonSettings settings = DaemonSettings.fromConfig(com.typesafe.config.ConfigFactory.empty());

        assertThat(settings.port()).isEqualTo(10001);
        assertThat(settings.maxRequestSize()).isEqualTo(1024 * 1024);
        assertThat(settings.tls()).isEmpty();
        assertThatThrownBy(() -> DaemonSettings.fromConfig(com.typesafe.config.ConfigFactory.parseString(
            "spark-k8s.daemon.default-page-size = 501"))).hasMessageContaining("spark-k8s.daemon.default-page-size");
    }

    @Test
    void theMainRefusesAnUnreadableTokensFileWithExitCode2() {
        int exit = new picocli.CommandLine(new SubmissionDaemonMain()).execute("--tokens-file",
            dir.resolve("missing").toString(), "--port", "0");

        assertThat(exit).isEqualTo(2);
    }
}
