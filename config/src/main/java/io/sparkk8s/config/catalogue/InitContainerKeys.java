package io.sparkk8s.config.catalogue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The init-container that downloads dependencies into the driver and executor pods: what users
 * set ({@code spark.kubernetes.initContainer.*}, {@code spark.kubernetes.mountdependencies.*}) and
 * what the submission client writes into the init-container's properties file
 * ({@code spark.kubernetes.initcontainer.*}, the original design's names, kept for old images).
 */
public final class InitContainerKeys {

    private static final String OURS = ConfigCatalogue.OWN_KEYS_SINCE;
    private static final String INTERNAL = "spark.kubernetes.initcontainer.";
    private static final String MOUNT = "spark.kubernetes.mountdependencies.";

    /** Path of the init-container's properties file in its container. */
    public static final String PROPERTIES_FILE = "/etc/spark-init/spark-init.properties";
    /** Where the staging secrets are mounted in the init-container. */
    public static final String SECRETS_MOUNT_PATH = "/mnt/secrets/spark-init";

    /** The init-container's image. */
    public static final ConfigEntry<String> IMAGE = ConfigEntry.key("spark.kubernetes.initContainer.image").string()
        .doc("Container image of the init-container. Needed when the application has dependencies to stage or"
            + " remote dependencies to download before Spark starts.")
        .deprecatedAlias("spark.kubernetes.initcontainer.docker.image")
        .since(OURS).section(Section.INIT_CONTAINER).optional();

    /** Where jars are downloaded to. */
    public static final ConfigEntry<String> JARS_DOWNLOAD_DIR = ConfigEntry.key(MOUNT + "jarsDownloadDir").string()
        .doc("Directory, shared by the init-container and the Spark container, that jars are downloaded to.")
        .since(OURS).section(Section.INIT_CONTAINER).withDefault("/var/spark-data/spark-jars");

    /** Where files are downloaded to. */
    public static final ConfigEntry<String> FILES_DOWNLOAD_DIR = ConfigEntry.key(MOUNT + "filesDownloadDir").string()
        .doc("Directory, shared by the init-container and the Spark container, that files are downloaded to.")
        .since(OURS).section(Section.INIT_CONTAINER).withDefault("/var/spark-data/spark-files");

    /** How long the init-container may take. */
    public static final ConfigEntry<Duration> MOUNT_TIMEOUT =
        ConfigEntry.key(MOUNT + "mountTimeout").type(ValueType.duration(TimeUnit.SECONDS))
            .doc("How long the init-container may take to download everything before it fails the pod (s when no"
                + " unit is given).")
            .since(OURS).section(Section.INIT_CONTAINER).check(Check.positiveDuration()).withDefault("5m");

    /** Parallel downloads. */
    public static final ConfigEntry<Integer> MAX_SIMULTANEOUS_DOWNLOADS =
        ConfigEntry.key(MOUNT + "maxSimultaneousDownloads").type(ValueType.integer())
            .doc("How many downloads the init-container runs at once.")
            .since(OURS).section(Section.INIT_CONTAINER).check(Check.positive()).withDefault("5");

    /** Remote jars to download. */
    public static final ConfigEntry<List<String>> REMOTE_JARS = ConfigEntry.key(INTERNAL + "remoteJars")
        .type(ValueType.list()).doc("Remote jars (http, https, hdfs, s3a, ...) the init-container downloads.")
        .since(OURS).section(Section.INTERNAL).optional();

    /** Remote files to download. */
    public static final ConfigEntry<List<String>> REMOTE_FILES = ConfigEntry.key(INTERNAL + "remoteFiles")
        .type(ValueType.list()).doc("Remote files (http, https, hdfs, s3a, ...) the init-container downloads.")
        .since(OURS).section(Section.INTERNAL).optional();

    /** Staged jars bundle id. */
    public static final ConfigEntry<String> DOWNLOAD_JARS_RESOURCE_IDENTIFIER =
        ConfigEntry.key(INTERNAL + "downloadJarsResourceIdentifier").string()
            .doc("Id of the staged bundle of local jars.").since(OURS).section(Section.INTERNAL).optional();

    /** Staged jars bundle secret location. */
    public static final ConfigEntry<String> DOWNLOAD_JARS_SECRET_LOCATION =
        ConfigEntry.key(INTERNAL + "downloadJarsSecretLocation").string()
            .doc("File holding the secret of the staged bundle of local jars.")
            .since(OURS).section(Section.INTERNAL).withDefault(SECRETS_MOUNT_PATH + "/downloadSubmittedJarsSecret");

    /** Staged files bundle id. */
    public static final ConfigEntry<String> DOWNLOAD_FILES_RESOURCE_IDENTIFIER =
        ConfigEntry.key(INTERNAL + "downloadFilesResourceIdentifier").string()
            .doc("Id of the staged bundle of local files.").since(OURS).section(Section.INTERNAL).optional();

    /** Staged files bundle secret location. */
    public static final ConfigEntry<String> DOWNLOAD_FILES_SECRET_LOCATION =
        ConfigEntry.key(INTERNAL + "downloadFilesSecretLocation").string()
            .doc("File holding the secret of the staged bundle of local files.")
            .since(OURS).section(Section.INTERNAL).withDefault(SECRETS_MOUNT_PATH + "/downloadSubmittedFilesSecret");

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(IMAGE, JARS_DOWNLOAD_DIR, FILES_DOWNLOAD_DIR,
        MOUNT_TIMEOUT, MAX_SIMULTANEOUS_DOWNLOADS, REMOTE_JARS, REMOTE_FILES, DOWNLOAD_JARS_RESOURCE_IDENTIFIER,
        DOWNLOAD_JARS_SECRET_LOCATION, DOWNLOAD_FILES_RESOURCE_IDENTIFIER, DOWNLOAD_FILES_SECRET_LOCATION);

    private InitContainerKeys() {
    }
}
