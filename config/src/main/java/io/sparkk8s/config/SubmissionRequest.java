package io.sparkk8s.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and validated submission: what the rest of the system consumes. Nothing downstream
 * parses command-line strings again; options that spark-submit maps to configuration keys (for
 * example {@code --jars} to {@code spark.jars}, {@code --driver-memory} to {@code spark.driver.memory})
 * are already in {@link #sparkConf()}, which holds the properties file overlaid with the command line.
 *
 * @param master the API server to talk to
 * @param mainClass the application's main class; empty for Python and R applications
 * @param appName the application name ({@code spark.app.name})
 * @param primaryResource the application jar, {@code .py} or {@code .R} file, as given (scheme kept)
 * @param appArgs the application's arguments, untouched
 * @param sparkConf the resolved configuration
 * @param proxyUser the user to impersonate, if any
 * @param verbose whether {@code --verbose} was given
 */
public record SubmissionRequest(
    KubernetesMasterUrl master,
    Optional<String> mainClass,
    String appName,
    String primaryResource,
    List<String> appArgs,
    SparkConf sparkConf,
    Optional<String> proxyUser,
    boolean verbose) {

    /** Validates presence and copies the arguments. */
    public SubmissionRequest {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(primaryResource, "primaryResource");
        appArgs = List.copyOf(appArgs);
        Objects.requireNonNull(sparkConf, "sparkConf");
        Objects.requireNonNull(proxyUser, "proxyUser");
    }

    /** The kind of application, from the primary resource's file name. */
    public ApplicationType applicationType() {
        return ApplicationType.of(primaryResource);
    }

    /** Java/Scala, Python or R: decides the driver's entrypoint variant. */
    public enum ApplicationType {
        /** A jar with a main class. */
        JAVA,
        /** A {@code .py} file. */
        PYTHON,
        /** A {@code .R} file. */
        R;

        /** The type of {@code primaryResource}: {@code .py} is Python, {@code .R}/{@code .r} is R, else Java. */
        public static ApplicationType of(String primaryResource) {
            String path = primaryResource.replaceFirst("[?#].*$", "");
            if (path.endsWith(".py")) {
                return PYTHON;
            }
            if (path.endsWith(".R") || path.endsWith(".r")) {
                return R;
            }
            return JAVA;
        }
    }
}
