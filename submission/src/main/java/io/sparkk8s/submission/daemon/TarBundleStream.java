package io.sparkk8s.submission.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tar archive of local files, produced as it is read: each {@link #read} packs at most one chunk of
 * one file (or one header), so nothing but that chunk is held in memory and no temporary file is
 * written. Entries are named by the files' names, at the archive's root. A file whose size changes
 * while it is packed fails the stream with {@link UploadFileException} (never a silently corrupt
 * archive). commons-compress writes the headers, long names and padding.
 */
final class TarBundleStream extends InputStream {

    private static final int CHUNK = 64 * 1024;
    private static final int RECORD = 512;

    private final Iterator<Path> files;
    private final Iterator<Long> sizes;
    private final Buffer packed = new Buffer();
    private final TarArchiveOutputStream tar;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private boolean finished;
    private InputStream current;
    private Path currentFile;
    private long remaining;

    /**
     * The archive of {@code files}, which must have the {@code sizes} given (the sizes when the request
     * started, from which its {@link #archiveSize length} was declared).
     */
    TarBundleStream(List<Path> files, List<Long> sizes) {
        if (files.size() != sizes.size()) {
            throw new IllegalArgumentException(files.size() + " files but " + sizes.size() + " sizes");
        }
        this.files = List.copyOf(files).iterator();
        this.sizes = List.copyOf(sizes).iterator();
        // records of 512 bytes: the archive ends right after its two end-of-archive records; sizes over 8 GiB in
        // the header's binary form, long names as GNU entries: so the archive's length follows from the files'
        this.tar = new TarArchiveOutputStream(packed, RECORD);
        this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    }

    /** The exact length of the archive of files with these names and sizes. */
    static long archiveSize(List<Path> files, List<Long> sizes) {
        long length = 2 * RECORD;
        for (int i = 0; i < files.size(); i++) {
            int name = files.get(i).getFileName().toString().getBytes(StandardCharsets.UTF_8).length;
            if (name >= TarConstants.NAMELEN) {
                // a GNU long-name entry: its header and the name with a NUL, padded
                length += RECORD + padded(name + 1L);
            }
            length += RECORD + padded(sizes.get(i));
        }
        return length;
    }

    private static long padded(long bytes) {
        return (bytes + RECORD - 1) / RECORD * RECORD;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == packed.size()) {
            if (finished) {
                return -1;
            }
            packed.reset();
            position = 0;
            step();
        }
        int n = Math.min(len, packed.size() - position);
        System.arraycopy(packed.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    /** Packs the next piece: a header, a chunk of the current file, or the end of the archive. */
    private void step() throws IOException {
        if (current != null) {
            int n = current.read(chunk, 0, (int) Math.min(CHUNK, remaining));
            if (n < 0) {
                throw new UploadFileException(currentFile, "it became shorter while it was sent (" + remaining
                    + " bytes missing)");
            }
            tar.write(chunk, 0, n);
            remaining -= n;
            if (remaining == 0) {
                endEntry();
            }
        } else if (files.hasNext()) {
            Path file = files.next();
            long size = sizes.next();
            try {
                if (Files.size(file) != size) {
                    throw new UploadFileException(file, "its size changed since the request started (" + size
                        + " bytes then, " + Files.size(file) + " now)");
                }
                TarArchiveEntry entry = new TarArchiveEntry(file.getFileName().toString());
                entry.setSize(size);
                entry.setMode(Files.isExecutable(file) ? 0755 : 0644);
                // whole seconds: fits the header, so no extended header is needed for it
                entry.setModTime(Files.getLastModifiedTime(file).toMillis() / 1000 * 1000);
                current = Files.newInputStream(file);
                currentFile = file;
                remaining = size;
                tar.putArchiveEntry(entry);
            } catch (UploadFileException e) {
                throw e;
            } catch (IOException e) {
                throw new UploadFileException(file, "cannot read it (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
            }
            if (remaining == 0) {
                endEntry();
            }
        } else {
            tar.finish();
            finished = true;
        }
    }

    private void endEntry() throws IOException {
        if (current.read() >= 0) {
            throw new UploadFileException(currentFile, "it grew while it was sent");
        }
        current.close();
        current = null;
        tar.closeArchiveEntry();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
        finished = true;
        position = packed.size();
    }

    /** An output buffer whose bytes can be read without copying. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(CHUNK + 2 * RECORD);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
