package io.sparkk8s.staging.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTarExtractionTest {

    @TempDir
    Path tmp;

    /** A tar entry for the test archives: a file with content, or a link / special entry. */
    record E(String name, byte type, String linkName, String content) {
        static E file(String name, String content) {
            return new E(name, TarConstants.LF_NORMAL, null, content);
        }

        static E symlink(String name, String target) {
            return new E(name, TarConstants.LF_SYMLINK, target, null);
        }

        static E hardLink(String name, String target) {
            return new E(name, TarConstants.LF_LINK, target, null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "a/../../evil", "/tmp/evil", "a/../b/../../evil"})
    void refusesNamesThatLeaveTheTarget(String name) throws Exception {
        Path target = tmp.resolve("target");

        assertThatThrownBy(() -> extract(target, ExtractionLimits.DEFAULT, E.file(name, "x")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("'" + name + "'");

        assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
    }

    @Test
    void refusesSymbolicLinksPointingOutsideAndWritesThroughThem() throws Exception {
        Path target = tmp.resolve("target");
        Files.createDirectories(tmp.resolve("outside"));

        assertThatThrownBy(() -> extract(target, ExtractionLimits.DEFAULT, E.symlink("up", "../outside")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("points outside");
        assertThatThrownBy(() -> extract(tmp.resolve("t2"), ExtractionLimits.DEFAULT, E.symlink("abs", "/etc")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> extract(tmp.resolve("t3"), ExtractionLimits.DEFAULT,
            E.file("inside.txt", "a"), E.symlink("link", "inside.txt"), E.file("link", "overwrite")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("through an existing symbolic link");
        assertThat(Files.readString(tmp.resolve("t3/inside.txt"))).isEqualTo("a");
        try (Stream<Path> outside = Files.list(tmp.resolve("outside"))) {
            assertThat(outside.toList()).isEmpty();
        }
    }

    @Test
    void refusesHardLinksToFilesOutside() {
        assertThatThrownBy(() -> extract(tmp.resolve("target"), ExtractionLimits.DEFAULT,
            E.hardLink("h", "../secret")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("'..' segments");
    }

    @Test
    void keepsLinksThatStayInside() throws Exception {
        Path target = tmp.resolve("target");

        extract(target, ExtractionLimits.DEFAULT, E.file("lib/a.jar", "jar"), E.symlink("current", "lib/a.jar"),
            E.hardLink("copy.jar", "lib/a.jar"));

        assertThat(Files.readString(target.resolve("current"))).isEqualTo("jar");
        assertThat(Files.isSymbolicLink(target.resolve("current"))).isTrue();
        assertThat(Files.readString(target.resolve("copy.jar"))).isEqualTo("jar");
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void refusesDevicesAndFifos(byte type) {
        assertThatThrownBy(() -> extract(tmp.resolve("target"), ExtractionLimits.DEFAULT,
            new E("dev", type, null, null)))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("device file or FIFO");
    }

    @Test
    void capsTheNumberOfEntriesAndTheTotalSize() {
        assertThatThrownBy(() -> extract(tmp.resolve("t1"), new ExtractionLimits(1000, 2),
            E.file("a", "1"), E.file("b", "2"), E.file("c", "3")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("more than 2 entries");
        assertThatThrownBy(() -> extract(tmp.resolve("t2"), new ExtractionLimits(10, 100),
            E.file("a", "123456"), E.file("b", "123456")))
            .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("more than 10 bytes");
    }

    private static Extracted extract(Path target, ExtractionLimits limits, E... entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (E e : List.of(entries)) {
                TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), true);
                if (e.linkName() != null) {
                    entry.setLinkName(e.linkName());
                }
                byte[] content = e.content() == null ? new byte[0] : e.content().getBytes(StandardCharsets.UTF_8);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return BlockingTarExtraction.extract(new ByteArrayInputStream(bytes.toByteArray()), target, limits);
    }
}
