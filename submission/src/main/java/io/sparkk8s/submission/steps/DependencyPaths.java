package io.sparkk8s.submission.steps;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.InitContainerKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a dependency given at submission ends up inside the driver container. Pure and shared by
 * the steps that need it, so that none of them reads what another one wrote:
 * {@code local:///x} is the container path {@code /x}; remote URIs (downloaded by the init-container)
 * and the submitter's local files (staged, then downloaded by the init-container) land in the jars or
 * files download directory under their file name.
 */
public final class DependencyPaths {

    /** Key of the directory jars are downloaded to. */
    public static final String JARS_DOWNLOAD_DIR = "spark.kubernetes.mountdependencies.jarsDownloadDir";
    /** Key of the directory files are downloaded to. */
    public static final String FILES_DOWNLOAD_DIR = "spark.kubernetes.mountdependencies.filesDownloadDir";
    /** Default of {@link #JARS_DOWNLOAD_DIR}. */
    public static final String DEFAULT_JARS_DOWNLOAD_DIR = "/var/spark-data/spark-jars";
    /** Default of {@link #FILES_DOWNLOAD_DIR}. */
    public static final String DEFAULT_FILES_DOWNLOAD_DIR = "/var/spark-data/spark-files";

    /** How a dependency reaches the pod. */
    public enum Kind {
        /** Already in the image: {@code local://}. */
        CONTAINER_LOCAL,
        /** Downloaded by the init-container from its URI. */
        REMOTE,
        /** A file on the submitter's machine: staged, then downloaded by the init-container. */
        SUBMITTER_LOCAL
    }

    private DependencyPaths() {
    }

    /** How {@code uri} reaches the pod. */
    public static Kind kind(String uri) {
        String scheme = scheme(uri);
        if (scheme == null || scheme.equals("file")) {
            return Kind.SUBMITTER_LOCAL;
        }
        return scheme.equals("local") ? Kind.CONTAINER_LOCAL : Kind.REMOTE;
    }

    /** The jars download directory inside the pod. */
    public static String jarsDir(SparkConf conf) {
        return InitContainerKeys.JARS_DOWNLOAD_DIR.get(conf);
    }

    /** The files download directory inside the pod. */
    public static String filesDir(SparkConf conf) {
        return InitContainerKeys.FILES_DOWNLOAD_DIR.get(conf);
    }

    /**
     * The path of {@code uri} inside the driver container; {@code downloadDir} is used for remote
     * and submitter-local dependencies.
     */
    public static String containerPath(String uri, String downloadDir) {
        if (kind(uri) == Kind.CONTAINER_LOCAL) {
            return parse(uri).getPath();
        }
        return downloadDir + "/" + fileName(uri);
    }

    /** The submitter-local file {@code uri} refers to. */
    public static Path localFile(String uri) {
        return scheme(uri) == null ? Path.of(uri) : Path.of(parse(uri));
    }

    /** The last path segment of {@code uri}. */
    public static String fileName(String uri) {
        String path = scheme(uri) == null ? uri : parse(uri).getPath();
        if (path == null) {
            path = uri;
        }
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 1 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return null;
        }
        return uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + uri + "' is not a valid URI: " + e.getReason(), e);
        }
    }
}
