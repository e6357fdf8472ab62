package io.sparkk8s.init;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * A dependency on a Hadoop FileSystem ({@code hdfs://}, and {@code s3a://} etc. when their
 * implementations are on the classpath). This is the only class that touches Hadoop; it is loaded
 * only for such URIs and only when {@link HadoopSupport#available()}, so the init-container runs
 * without Hadoop's jars.
 *
 * <p>Integrity: HDFS verifies every block against its CRC checksums as the client reads it (a
 * damaged replica fails the read and another is tried); the length is checked against the file's
 * status here. Hadoop configuration comes from the classpath and from {@code $HADOOP_CONF_DIR}
 * ({@code core-site.xml}, {@code hdfs-site.xml}) when set.
 */
final class HadoopDownload implements Download {

    private final URI uri;
    private final Path target;
    private final Configuration conf;

    HadoopDownload(URI uri, Path target, Configuration conf) {
        this.uri = uri;
        this.target = target;
        this.conf = conf;
    }

    /** A download of {@code uri} into {@code target}, configured from {@code hadoopConfDir}. */
    static Download of(URI uri, Path target, Optional<Path> hadoopConfDir) {
        return new HadoopDownload(uri, target, configuration(hadoopConfDir));
    }

    /** Hadoop configuration: classpath defaults plus {@code $HADOOP_CONF_DIR}'s site files. */
    static Configuration configuration(Optional<Path> hadoopConfDir) {
        Configuration conf = new Configuration();
        hadoopConfDir.ifPresent(dir -> {
            for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    conf.addResource(new org.apache.hadoop.fs.Path(file.toUri()));
                }
            }
        });
        return conf;
    }

    @Override
    public String source() {
        return uri.toString();
    }

    @Override
    public void run(Instant deadline) throws IOException {
        FileSystem fs;
        FileStatus status;
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        try {
            fs = FileSystem.get(uri, conf);
            status = fs.getFileStatus(path);
        } catch (UnsupportedFileSystemException e) {
            throw new DownloadException("no Hadoop FileSystem for the scheme '" + uri.getScheme() + "' on the"
                + " init-container's classpath (" + e.getMessage() + ")", false, e);
        } catch (FileNotFoundException e) {
            throw new DownloadException("does not exist", false, e);
        } catch (IOException e) {
            throw permanentIfDenied(e);
        }
        if (status.isDirectory()) {
            throw new DownloadException("is a directory; give a file", false, null);
        }
        Path part = AtomicPlacement.temporary(target.getParent(), target.getFileName().toString());
        try {
            long copied;
            try (InputStream in = fs.open(path); OutputStream out = Files.newOutputStream(part)) {
                copied = in.transferTo(out);
            } catch (IOException e) {
                throw permanentIfDenied(e);
            }
            if (copied != status.getLen()) {
                throw new DownloadException("read " + copied + " bytes but the file has " + status.getLen(), true,
                    null);
            }
            AtomicPlacement.place(part, target);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static DownloadException permanentIfDenied(IOException e) {
        boolean denied = e.getClass().getSimpleName().equals("AccessControlException");
        return new DownloadException((denied ? "access denied: " : "read failed: ") + e.getMessage(), !denied, e);
    }
}
