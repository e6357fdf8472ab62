package io.sparkk8s.init;

/**
 * Whether Hadoop's client is on the classpath. Kept apart from {@link HadoopDownload}: loading that
 * class needs Hadoop's classes, asking this one does not.
 */
final class HadoopSupport {

    private static final String FILE_SYSTEM_CLASS = "org.apache.hadoop.fs.FileSystem";

    private HadoopSupport() {
    }

    /** Whether Hadoop's client is on the classpath. */
    static boolean available() {
        try {
            Class.forName(FILE_SYSTEM_CLASS, false, HadoopSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
