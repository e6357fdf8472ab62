package io.sparkk8s.http.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.http.daemon.SubmissionTranslator.FieldProblem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** The blocking reader of {@link BundleContentsCheck} alone: what is the bundle's fault and what is not. */
class BundleContentsCheckTest {

    @Test
    void aPartWhoseBytesFailIsNotTheBundlesFaultTheFailureIsThrown() throws Exception {
        byte[] tar = tar("etl.jar", new byte[600_000]);
        IOException cut = new IOException("the part's stream failed");
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(tar, 0, 100_000), new InputStream() {
            @Override
            public int read() throws IOException {
                throw cut;
            }
        });

        assertThatThrownBy(() -> BundleContentsCheck.read(failing, "jars", Map.of("etl.jar", "primaryResource")))
            .isSameAs(cut);
    }

    @Test
    void anExtendedHeaderOverTheLimitIsRefusedAsUnreadableBeforeItIsRead() throws Exception {
        // A pax header claiming 2 GiB: commons-compress would read it into memory.
        TarArchiveEntry pax = new TarArchiveEntry("./PaxHeaders/etl.jar", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
        pax.setSize(2L << 30);
        byte[] header = new byte[512];
        pax.writeEntryHeader(header);

        Optional<FieldProblem> problem = BundleContentsCheck.read(new ByteArrayInputStream(header), "jars",
            Map.of("etl.jar", "primaryResource"));

        assertThat(problem).isPresent();
        assertThat(problem.get().problems().get(0).field()).isEqualTo("jars");
        assertThat(problem.get().problems().get(0).message()).contains("not a readable tar")
            .contains("extended (pax or long name) header of " + (2L << 30) + " bytes");
    }

    @Test
    void aLongNameWithinTheLimitIsRead() throws Exception {
        String name = "a".repeat(300) + ".jar";

        Optional<FieldProblem> problem = BundleContentsCheck.read(new ByteArrayInputStream(tar(name, new byte[10])),
            "jars", Map.of(name, "jars"));

        assertThat(problem).isEmpty();
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }
}
