package io.sparkk8s.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What was built: the project version, written into {@code build-info.properties} by the Maven
 * build (resource filtering), and the runtime it runs on.
 *
 * @param version the project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param javaVersion the running JVM's version
 */
public record BuildInfo(String version, String javaVersion) {

    private static final String RESOURCE = "/io/sparkk8s/config/build-info.properties";

    /** Reads the build information of the running code. */
    public static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: broken build");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(properties.getProperty("version"), System.getProperty("java.version"));
    }

    /** One line for {@code --version}. */
    public String describe() {
        return "spark-k8s-submit " + version + " (Java " + javaVersion + ")";
    }
}
