package io.sparkk8s.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hdfs:// downloads against a real in-process HDFS (Hadoop's MiniDFSCluster: a NameNode and a
 * DataNode), in this JVM and through the image's entrypoint from the packaged build context (its
 * {@code hadoop-lib/} layer), so one cluster start serves both; hence an IT, run after packaging.
 */
class HdfsDownloadIT {

    @TempDir
    static Path clusterDir;

    @TempDir
    Path dir;

    private static MiniDFSCluster cluster;
    private static String hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, clusterDir.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = "hdfs://localhost:" + cluster.getNameNodePort();
        FileSystem fs = cluster.getFileSystem();
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/deps/udf.jar"))) {
            out.write("jar from hdfs".getBytes(StandardCharsets.UTF_8));
        }
        fs.mkdirs(new org.apache.hadoop.fs.Path("/deps/a-directory.jar"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private List<LocalizationFailure> localize(String remoteJars) throws Exception {
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + dir.resolve("jars") + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + dir.resolve("files") + "\n"
                + "spark.kubernetes.initcontainer.remoteJars=" + remoteJars + "\n");
        return new DependencyLocalizer(InitContainerProperties.load(props), RetryPolicy.DEFAULT, Optional.empty())
            .localize();
    }

    @Test
    void downloadsAFileFromHdfsWithItsContent() throws Exception {
        assertThat(localize(hdfs + "/deps/udf.jar")).isEmpty();

        assertThat(dir.resolve("jars/udf.jar")).hasContent("jar from hdfs");
    }

    @Test
    void theImagesHadoopLayerReadsHdfsThroughTheEntrypoint() throws Exception {
        Path props = Files.writeString(dir.resolve("spark-init.properties"),
            "spark.kubernetes.mountdependencies.jarsDownloadDir=" + dir.resolve("jars") + "\n"
                + "spark.kubernetes.mountdependencies.filesDownloadDir=" + dir.resolve("files") + "\n"
                + "spark.kubernetes.initcontainer.remoteFiles=" + hdfs + "/deps/udf.jar\n");
        ProcessBuilder builder = new ProcessBuilder("sh", Path.of("target", "image", "bin", "spark-k8s-init")
            .toString(), "init", "--properties-file", props.toString()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("log"))).isZero();
        assertThat(dir.resolve("files/udf.jar")).hasContent("jar from hdfs");
    }

    @Test
    void aMissingHdfsFileFailsAtOnceNamingIt() throws Exception {
        List<LocalizationFailure> failures = localize(hdfs + "/deps/missing.jar");

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.source()).isEqualTo(hdfs + "/deps/missing.jar");
            assertThat(f.cause()).isEqualTo("does not exist");
        });
    }

    @Test
    void anHdfsDirectoryIsRefused() throws Exception {
        assertThat(localize(hdfs + "/deps/a-directory.jar")).singleElement()
            .satisfies(f -> assertThat(f.cause()).contains("is a directory"));
    }
}
