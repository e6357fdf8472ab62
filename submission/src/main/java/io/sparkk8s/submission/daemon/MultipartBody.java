package io.sparkk8s.submission.daemon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The {@code multipart/form-data} body of a submission with uploads: part {@code submission} (the JSON)
 * first, then {@code jars} and {@code files}, each a tar bundle packed from the local files as the body is
 * read ({@link TarBundleStream}). Every {@link #stream()} starts over from the files, so a retried request
 * sends them again.
 */
final class MultipartBody {

    private final String boundary = "spark-k8s-" + UUID.randomUUID();
    private final byte[] json;
    private final DaemonUploads uploads;
    private final List<Long> jarSizes;
    private final List<Long> fileSizes;

    /**
     * The body of {@code json} and {@code uploads}, whose files have the sizes they have now: the body's
     * {@link #length} follows from them, and a file whose size differs when it is sent fails the body.
     *
     * @throws UploadFileException if a file's size cannot be read
     */
    MultipartBody(byte[] json, DaemonUploads uploads) throws UploadFileException {
        this.json = json.clone();
        this.uploads = uploads;
        this.jarSizes = sizes(uploads.jars());
        this.fileSizes = sizes(uploads.files());
    }

    private static List<Long> sizes(List<Path> files) throws UploadFileException {
        List<Long> sizes = new ArrayList<>();
        for (Path file : files) {
            try {
                sizes.add(Files.size(file));
            } catch (IOException e) {
                throw new UploadFileException(file, "cannot read its size (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
            }
        }
        return List.copyOf(sizes);
    }

    /** The exact length of every {@link #stream()}. */
    long length() {
        long length = header("submission", null, "application/json").length() + json.length;
        length += bundleLength("jars", uploads.jars(), jarSizes) + bundleLength("files", uploads.files(), fileSizes);
        return length + closing().length();
    }

    private long bundleLength(String name, List<Path> files, List<Long> sizes) {
        return files.isEmpty() ? 0 : 2 + header(name, name + ".tar", "application/x-tar").length()
            + TarBundleStream.archiveSize(files, sizes);
    }

    private String closing() {
        return "\r\n--" + boundary + "--\r\n";
    }

    /** The request's {@code Content-Type}. */
    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** A fresh stream of the whole body; opens each file only when the body reaches it. */
    InputStream stream() {
        List<Supplier<InputStream>> pieces = new ArrayList<>();
        pieces.add(() -> bytes(header("submission", null, "application/json")));
        pieces.add(() -> new ByteArrayInputStream(json));
        bundle(pieces, "jars", uploads.jars(), jarSizes);
        bundle(pieces, "files", uploads.files(), fileSizes);
        pieces.add(() -> bytes(closing()));
        return new SequenceInputStream(Collections.enumeration(pieces.stream()
            .map(MultipartBody::lazily).toList()));
    }

    private void bundle(List<Supplier<InputStream>> pieces, String name, List<Path> files, List<Long> sizes) {
        if (!files.isEmpty()) {
            pieces.add(() -> bytes("\r\n" + header(name, name + ".tar", "application/x-tar")));
            pieces.add(() -> new TarBundleStream(files, sizes));
        }
    }

    private String header(String name, String fileName, String type) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
            + (fileName == null ? "" : "; filename=\"" + fileName + "\"") + "\r\nContent-Type: " + type + "\r\n\r\n";
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A stream created when it is first read, so a bundle opens no file before the body gets to it. */
    private static InputStream lazily(Supplier<InputStream> supplier) {
        return new InputStream() {
            private InputStream delegate;

            private InputStream delegate() {
                if (delegate == null) {
                    delegate = supplier.get();
                }
                return delegate;
            }

            @Override
            public int read() throws IOException {
                return delegate().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return delegate().read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (delegate != null) {
                    delegate.close();
                }
            }
        };
    }
}
