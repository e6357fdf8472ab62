package io.sparkk8s.staging.tar;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a tar stream (gzip-compressed or not: detected from its first bytes) into a directory,
 * blocking the calling thread, refusing anything that could write outside it: absolute names,
 * {@code ..} segments, symbolic or hard links that point outside, writes through links, and device
 * files, FIFOs and other special entries. The total content size and the number of entries are
 * capped.
 *
 * <p>Needs only the JDK and commons-compress, so a small program (the init-container) can use it
 * without Pekko on its classpath; {@link SafeTarExtraction} runs it at the end of a Pekko stream.
 *
 * <p>On a refusal it throws {@link UnsafeArchiveException}; what was written before stays (the caller
 * owns the target directory and discards it on failure).
 */
public final class BlockingTarExtraction {

    private BlockingTarExtraction() {
    }

    /** Extracts the tar (or tar.gz) in {@code in} into {@code target}. Blocking; closes {@code in}. */
    public static Extracted extract(InputStream in, Path target, ExtractionLimits limits) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        InputStream tarBytes = gzip ? new GZIPInputStream(buffered, 64 * 1024) : buffered;
        int entries = 0;
        long bytes = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (++entries > limits.maxEntries()) {
                    throw new UnsafeArchiveException(name, "the archive has more than " + limits.maxEntries()
                        + " entries (the limit)");
                }
                Path destination = destination(root, name);
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new UnsafeArchiveException(name, "a device file or FIFO (type '"
                        + (char) headerType(entry) + "'); only files, directories and links are extracted");
                } else if (entry.isDirectory()) {
                    createDirectoriesInside(root, destination, name);
                } else if (entry.isSymbolicLink()) {
                    createSymbolicLink(root, destination, name, entry.getLinkName());
                } else if (entry.isLink()) {
                    Path existing = destination(root, entry.getLinkName());
                    if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                        throw new UnsafeArchiveException(name, "hard link to '" + entry.getLinkName()
                            + "', which is not a regular file extracted before it");
                    }
                    prepareParent(root, destination, name);
                    Files.createLink(destination, existing);
                } else if (entry.isFile()) {
                    if (bytes + entry.getSize() > limits.maxTotalBytes()) {
                        throw new UnsafeArchiveException(name, "the archive unpacks to more than "
                            + limits.maxTotalBytes() + " bytes (the limit)");
                    }
                    prepareParent(root, destination, name);
                    try (OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        bytes += tar.transferTo(out);
                    }
                    if ((entry.getMode() & 0100) != 0) {
                        destination.toFile().setExecutable(true, false);
                    }
                    Files.setLastModifiedTime(destination, FileTime.from(entry.getLastModifiedTime().toInstant()));
                } else {
                    throw new UnsafeArchiveException(name, "a special entry; only files, directories and links are"
                        + " extracted");
                }
            }
        }
        return new Extracted(entries, bytes);
    }

    private static Path destination(Path root, String name) throws UnsafeArchiveException {
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            throw new UnsafeArchiveException(name, "absolute names are refused; names must be relative");
        }
        for (String segment : name.split("[/\\\\]")) {
            if ("..".equals(segment)) {
                throw new UnsafeArchiveException(name, "'..' segments are refused");
            }
        }
        Path destination = root.resolve(name).normalize();
        if (!destination.startsWith(root)) {
            throw new UnsafeArchiveException(name, "resolves outside the target directory");
        }
        return destination;
    }

    private static void createSymbolicLink(Path root, Path destination, String name, String linkName)
        throws IOException {
        Path linkTarget = Path.of(linkName);
        if (linkName.isEmpty() || linkTarget.isAbsolute()) {
            throw new UnsafeArchiveException(name, "symbolic link to the absolute path '" + linkName + "' is refused");
        }
        Path resolved = destination.getParent().resolve(linkTarget).normalize();
        if (!resolved.startsWith(root)) {
            throw new UnsafeArchiveException(name, "symbolic link to '" + linkName + "' points outside the target"
                + " directory");
        }
        prepareParent(root, destination, name);
        Files.createSymbolicLink(destination, linkTarget);
    }

    private static void createDirectoriesInside(Path root, Path directory, String name) throws IOException {
        prepareParent(root, directory, name);
        if (Files.isSymbolicLink(directory)) {
            throw new UnsafeArchiveException(name, "a directory entry over a symbolic link is refused");
        }
        Files.createDirectories(directory);
    }

    /** Creates the parent directories and checks that, links resolved, they are still inside the root. */
    private static void prepareParent(Path root, Path destination, String name) throws IOException {
        Path parent = destination.getParent();
        Files.createDirectories(parent);
        if (!parent.toRealPath().startsWith(root)) {
            throw new UnsafeArchiveException(name, "its directory leads outside the target directory through a"
                + " symbolic link");
        }
        if (Files.isSymbolicLink(destination)) {
            throw new UnsafeArchiveException(name, "would write through an existing symbolic link");
        }
    }

    private static byte headerType(TarArchiveEntry entry) {
        if (entry.isCharacterDevice()) {
            return '3';
        }
        if (entry.isBlockDevice()) {
            return '4';
        }
        if (entry.isFIFO()) {
            return '6';
        }
        return '?';
    }
}
