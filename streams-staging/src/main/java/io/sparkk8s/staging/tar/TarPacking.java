package io.sparkk8s.staging.tar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Packs local files and directories into a tar stream as a {@link Source}, reading each file with
 * {@link FileIO} as the consumer asks for bytes: no temporary tarball, memory bounded by the chunk
 * size. Only the 512-byte headers are built with commons-compress.
 *
 * <p>A file given directly becomes an entry named by its file name; a directory {@code d} becomes
 * {@code d/} and entries {@code d/<relative path>}. Names are always relative. Symbolic links inside a
 * directory are packed as the files they point to; links to directories and special files are
 * refused. Two inputs that would produce the same name are refused, naming both.
 */
public final class TarPacking {

    private static final int BLOCK = 512;
    private static final int READ_CHUNK = 256 * 1024;
    private static final ZipEncoding UTF8 = ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8.name());
    private static final ByteString END_OF_ARCHIVE = ByteString.fromArray(new byte[2 * BLOCK]);

    private TarPacking() {
    }

    /** One entry to pack: a directory (no content) or a regular file of {@code size} bytes. */
    private record Entry(String name, Path file, boolean directory, long size, long modifiedMillis,
        boolean executable) {
    }

    /**
     * The tar stream of {@code inputs}. Listing the inputs runs on {@code blockingIo}; a missing input,
     * a name clash, an unsupported file type, or a file whose size changes while it is read fails the
     * stream (never a silently corrupt archive).
     */
    public static Source<ByteString, NotUsed> tar(List<Path> inputs, Executor blockingIo) {
        List<Path> copy = List.copyOf(inputs);
        return Source.completionStage(CompletableFuture.supplyAsync(() -> list(copy), blockingIo))
            .mapConcat(entries -> entries)
            .flatMapConcat(TarPacking::entrySource)
            .concat(Source.single(END_OF_ARCHIVE));
    }

    /**
     * The entries of {@code inputs} in archive order, with their names; useful to show what would be
     * sent. Blocking.
     *
     * @throws IllegalArgumentException naming the input that cannot be packed
     */
    public static List<String> entryNames(List<Path> inputs) {
        return list(inputs).stream().map(Entry::name).toList();
    }

    /**
     * The exact size in bytes of the archive {@link #tar} makes of {@code inputs} as they are now
     * (headers, GNU long-name entries, content padded to 512-byte blocks, end-of-archive blocks), so a
     * progress display can show a share done. Blocking.
     *
     * @throws IllegalArgumentException naming the input that cannot be packed
     */
    public static long archiveSize(List<Path> inputs) {
        long size = END_OF_ARCHIVE.size();
        for (Entry entry : list(inputs)) {
            int nameBytes = entry.name().getBytes(StandardCharsets.UTF_8).length;
            if (nameBytes >= TarConstants.NAMELEN) {
                size += BLOCK + blocks(nameBytes + 1L);
            }
            size += BLOCK + (entry.directory() ? 0 : blocks(entry.size()));
        }
        return size;
    }

    private static long blocks(long bytes) {
        return (bytes + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static List<Entry> list(List<Path> inputs) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Path> sources = new LinkedHashMap<>();
        for (Path input : inputs) {
            Path absolute = input.toAbsolutePath().normalize();
            if (!Files.exists(absolute)) {
                throw new IllegalArgumentException(input + ": no such file or directory; cannot stage it");
            }
            Path name = absolute.getFileName();
            if (name == null) {
                throw new IllegalArgumentException(input + ": the file system root cannot be staged; name a"
                    + " directory below it");
            }
            try {
                if (Files.isDirectory(absolute)) {
                    List<Path> tree;
                    try (Stream<Path> walk = Files.walk(absolute)) {
                        tree = walk.sorted(Comparator.comparing(Path::toString)).toList();
                    }
                    for (Path path : tree) {
                        String relative = absolute.relativize(path).toString().replace('\\', '/');
                        String entryName = relative.isEmpty() ? name + "/" : name + "/" + relative;
                        add(entries, sources, path, entryName);
                    }
                } else {
                    add(entries, sources, absolute, name.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(input + ": cannot be read for staging (" + e.getMessage() + ")", e);
            }
        }
        return new ArrayList<>(entries.values());
    }

    private static void add(Map<String, Entry> entries, Map<String, Path> sources, Path path, String name)
        throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        Entry entry;
        if (attributes.isDirectory() && Files.isSymbolicLink(path)) {
            throw new IllegalArgumentException(path + ": a symbolic link to a directory; stage the directory"
                + " itself instead");
        } else if (attributes.isDirectory()) {
            entry = new Entry(name.endsWith("/") ? name : name + "/", path, true, 0,
                attributes.lastModifiedTime().toMillis(), true);
        } else if (attributes.isRegularFile()) {
            entry = new Entry(name, path, false, attributes.size(), attributes.lastModifiedTime().toMillis(),
                Files.isExecutable(path));
        } else {
            throw new IllegalArgumentException(path + ": not a regular file or directory (a special file);"
                + " cannot stage it");
        }
        Path previous = sources.putIfAbsent(entry.name(), path);
        if (previous != null) {
            throw new IllegalArgumentException(path + " and " + previous + " would both be staged as '" + entry.name()
                + "'; rename one of them or put them in different directories");
        }
        entries.put(entry.name(), entry);
    }

    private static Source<ByteString, NotUsed> entrySource(Entry entry) {
        ByteString header = header(entry);
        if (entry.directory() || entry.size() == 0) {
            return Source.single(header);
        }
        long padding = (BLOCK - entry.size() % BLOCK) % BLOCK;
        Source<ByteString, NotUsed> content = FileIO.fromPath(entry.file(), READ_CHUNK)
            .mapMaterializedValue(io -> NotUsed.getInstance())
            .via(exactly(entry.size(), entry.file()));
        Source<ByteString, NotUsed> withHeader = Source.single(header).concat(content);
        return padding == 0 ? withHeader : withHeader.concat(Source.single(ByteString.fromArray(
            new byte[(int) padding])));
    }

    /** Fails the stream if {@code file} does not yield exactly {@code size} bytes (it changed while packed). */
    private static Flow<ByteString, ByteString, NotUsed> exactly(long size, Path file) {
        return Flow.<ByteString>create().statefulMap(() -> new long[1], (seen, chunk) -> {
            seen[0] += chunk.size();
            if (seen[0] > size) {
                throw new IOException(file + " grew while it was being staged (expected " + size + " bytes)");
            }
            return Pair.create(seen, chunk);
        }, seen -> {
            if (seen[0] != size) {
                throw new IOException(file + " shrank while it was being staged (expected " + size + " bytes, read "
                    + seen[0] + ")");
            }
            return java.util.Optional.empty();
        });
    }

    private static ByteString header(Entry entry) {
        byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
        ByteString prefix = ByteString.emptyByteString();
        String headerName = entry.name();
        if (name.length >= TarConstants.NAMELEN) {
            // GNU long name: a pseudo-entry whose content is the full name, read by GNU tar,
            // bsdtar and commons-compress alike.
            TarArchiveEntry longName = new TarArchiveEntry(TarConstants.GNU_LONGLINK, TarConstants.LF_GNUTYPE_LONGNAME);
            longName.setSize(name.length + 1L);
            byte[] content = new byte[(name.length + 1 + BLOCK - 1) / BLOCK * BLOCK];
            System.arraycopy(name, 0, content, 0, name.length);
            prefix = block(longName).concat(ByteString.fromArray(content));
            headerName = new String(name, 0, TarConstants.NAMELEN - 1, StandardCharsets.UTF_8);
        }
        TarArchiveEntry tarEntry = new TarArchiveEntry(headerName,
            entry.directory() ? TarConstants.LF_DIR : TarConstants.LF_NORMAL, true);
        tarEntry.setSize(entry.directory() ? 0 : entry.size());
        tarEntry.setMode((entry.directory() ? TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 : TarArchiveEntry
            .DEFAULT_FILE_MODE & ~07777) | (entry.directory() || entry.executable() ? 0755 : 0644));
        tarEntry.setModTime(entry.modifiedMillis());
        return prefix.concat(block(tarEntry));
    }

    private static ByteString block(TarArchiveEntry entry) {
        byte[] buffer = new byte[BLOCK];
        try {
            entry.writeEntryHeader(buffer, UTF8, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tar header of " + entry.getName(), e);
        }
        return ByteString.fromArray(buffer);
    }
}
