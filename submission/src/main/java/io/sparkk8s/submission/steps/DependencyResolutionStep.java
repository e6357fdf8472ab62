package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.StagingKeys;
import io.sparkk8s.config.catalogue.InitContainerKeys;
import io.sparkk8s.config.SubmissionRequest.ApplicationType;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.StagedDependencies;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import io.sparkk8s.submission.steps.DependencyPaths.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Dependencies ({@code spark.jars}, {@code spark.files}, {@code spark.submit.pyFiles} and the primary
 * resource): {@code local://} URIs stay as they are (already in the image); remote URIs are handed to
 * the init-container, which downloads them; the submitter's local files are uploaded with the {@link
 * ResourceStager} and the init-container downloads the bundles, authorised by a Secret mounted at
 * {@value #SECRET_MOUNT_PATH} in the init-container only. The init-container reads its properties
 * file ({@value #PROPERTIES_PATH}) from a ConfigMap; the download directories are emptyDir volumes
 * shared with the driver container.
 *
 * <p>This step owns {@code spark.jars}, {@code spark.files} and {@code spark.submit.pyFiles}: it
 * replaces downloaded entries with their path in the pod, so the driver serves them to executors.
 * The submitter's local {@code spark.archives} are staged with the files too, and their entries become
 * their path in the files directory, keeping a {@code #name} suffix (the directory Spark unpacks them
 * into); remote and {@code local://} archives are left to Spark, which fetches them itself.
 */
public final class DependencyResolutionStep implements DriverConfigurationStep {

    /** Key of the init-container's image. */
    public static final String INIT_IMAGE = "spark.kubernetes.initContainer.image";
    /** The init-container's name. */
    public static final String INIT_CONTAINER_NAME = "spark-init";
    /** Where the init-container's properties file is. */
    public static final String PROPERTIES_PATH = "/etc/spark-init/spark-init.properties";
    /** Where the staging secrets are mounted in the init-container. */
    public static final String SECRET_MOUNT_PATH = "/mnt/secrets/spark-init";
    static final String STAGING_URI = "spark.kubernetes.resourceStagingServer.uri";
    static final String STAGING_INTERNAL_URI = "spark.kubernetes.resourceStagingServer.internal.uri";
    static final String MOUNT_TIMEOUT = "spark.kubernetes.mountdependencies.mountTimeout";
    private static final String JARS = "spark.jars";
    private static final String FILES = "spark.files";
    private static final String PY_FILES = "spark.submit.pyFiles";
    private static final String ARCHIVES = "spark.archives";
    private static final String JARS_SECRET_KEY = "downloadJarsSecret";
    private static final String FILES_SECRET_KEY = "downloadFilesSecret";

    private final DriverResourceNames names;
    private final String primaryResource;
    private final ApplicationType applicationType;
    private final Optional<ResourceStager> stager;

    /**
     * @param names names of the ConfigMap and Secret, and the owner of the staged bundles
     * @param primaryResource the application's jar or script, as submitted
     * @param applicationType whether the primary resource is a jar (downloaded with the jars) or a script
     * @param stager uploads local files; empty when no staging server is configured
     */
    public DependencyResolutionStep(DriverResourceNames names, String primaryResource,
        ApplicationType applicationType, Optional<ResourceStager> stager) {
        this.names = names;
        this.primaryResource = primaryResource;
        this.applicationType = applicationType;
        this.stager = stager;
    }

    /** Whether the submission has any dependency that is not already in the image. */
    public static boolean isNeeded(SparkConf conf, String primaryResource) {
        return InitContainerLayout.Localization.of(conf, primaryResource) != InitContainerLayout.Localization.NONE;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        String jarsDir = DependencyPaths.jarsDir(conf);
        String filesDir = DependencyPaths.filesDir(conf);
        Map<String, List<String>> jarSources = new LinkedHashMap<>();
        jarSources.put(JARS, ConfValues.list(conf, JARS));
        Map<String, List<String>> fileSources = new LinkedHashMap<>();
        fileSources.put(FILES, ConfValues.list(conf, FILES));
        fileSources.put(PY_FILES, ConfValues.list(conf, PY_FILES));
        fileSources.put(ARCHIVES, InitContainerLayout.localArchives(conf));
        (applicationType == ApplicationType.JAVA ? jarSources : fileSources).put("primary resource",
            List.of(primaryResource));

        List<String> remoteJars = select(jarSources, Kind.REMOTE);
        List<String> remoteFiles = select(fileSources, Kind.REMOTE);
        boolean onThisDisk = stager.map(ResourceStager::readsLocalFiles).orElse(true);
        List<Path> localJars = localFiles(jarSources, onThisDisk);
        List<Path> localFiles = localFiles(fileSources, onThisDisk);
        if (remoteJars.isEmpty() && remoteFiles.isEmpty() && localJars.isEmpty() && localFiles.isEmpty()) {
            return spec;
        }
        boolean staged = !localJars.isEmpty() || !localFiles.isEmpty();
        List<String> remote = new ArrayList<>(remoteJars);
        remote.addAll(remoteFiles);
        String image = InitContainerLayout.image(conf, String.join(", ", remote)
            + (staged ? (remote.isEmpty() ? "" : " and ") + "local files " + concat(localJars, localFiles) : ""));

        Map<String, String> properties = new TreeMap<>();
        properties.put(DependencyPaths.JARS_DOWNLOAD_DIR, jarsDir);
        properties.put(DependencyPaths.FILES_DOWNLOAD_DIR, filesDir);
        properties.put(MOUNT_TIMEOUT, InitContainerKeys.MOUNT_TIMEOUT.source(conf).map(Map.Entry::getValue)
            .orElse("5m"));
        if (!remoteJars.isEmpty()) {
            properties.put("spark.kubernetes.initcontainer.remoteJars", String.join(",", remoteJars));
        }
        if (!remoteFiles.isEmpty()) {
            properties.put("spark.kubernetes.initcontainer.remoteFiles", String.join(",", remoteFiles));
        }

        KubernetesDriverSpec result = spec;
        if (staged) {
            ResourceStager resourceStager = stager.orElseThrow(() -> new SubmissionConfigurationException(STAGING_URI,
                "local files " + concat(localJars, localFiles) + " must be uploaded, but no resource staging server"
                    + " is set; set " + STAGING_URI + ", or give the files as local:// (in the image) or remote"
                    + " URIs"));
            properties.put(STAGING_URI, StagingKeys.INTERNAL_URI.find(conf).or(() -> StagingKeys.URI_KEY.find(conf))
                .orElseThrow(() -> new SubmissionConfigurationException(STAGING_URI, "is required to stage local"
                    + " files " + concat(localJars, localFiles))));
            StagedDependencies bundles = StagedDependencies.upload(resourceStager, localJars, localFiles,
                names.namespace(), Map.of(DriverLabelsStep.APP_ID_LABEL, names.appId(), DriverLabelsStep.ROLE_LABEL,
                    "driver"));
            Map<String, String> secretData = new TreeMap<>();
            bundles.jars().ifPresent(r -> stagedBundle(r, "Jars", JARS_SECRET_KEY, properties, secretData));
            bundles.files().ifPresent(r -> stagedBundle(r, "Files", FILES_SECRET_KEY, properties, secretData));
            InitContainerStagingTrust.apply(conf, SECRET_MOUNT_PATH, properties, secretData);
            result = result.withOtherResource(new SecretBuilder()
                .withNewMetadata().withName(InitContainerLayout.secret(names)).withNamespace(names.namespace())
                .endMetadata()
                .withData(secretData).build());
        }

        result = result
            .withOtherResource(new ConfigMapBuilder()
                .withNewMetadata().withName(InitContainerLayout.propertiesConfigMap(names))
                .withNamespace(names.namespace()).endMetadata()
                .addToData("spark-init.properties", SparkConfConfigMapStep.render(SparkConf.of(properties)))
                .build())
            .addToDriverPod(InitContainerLayout.initContainerPod(conf, names, image, staged))
            .addToDriverContainer(InitContainerLayout.sparkContainerMounts(conf));
        SparkConf resolved = result.driverSparkConf();
        resolved = rewrite(resolved, JARS, jarsDir);
        resolved = rewrite(resolved, FILES, filesDir);
        resolved = rewrite(resolved, PY_FILES, filesDir);
        resolved = rewriteLocalArchives(resolved, filesDir);
        return result.withDriverSparkConf(resolved);
    }

    private static void stagedBundle(SubmittedResourceIdAndSecret bundle, String what, String secretKey,
        Map<String, String> properties, Map<String, String> secretData) {
        properties.put("spark.kubernetes.initcontainer.download" + what + "ResourceIdentifier", bundle.resourceId());
        properties.put("spark.kubernetes.initcontainer.download" + what + "SecretLocation",
            SECRET_MOUNT_PATH + "/" + secretKey);
        secretData.put(secretKey, Base64.getEncoder().encodeToString(
            bundle.resourceSecret().getBytes(StandardCharsets.UTF_8)));
    }

    private static SparkConf rewrite(SparkConf conf, String key, String dir) {
        List<String> entries = ConfValues.list(conf, key);
        if (entries.isEmpty()) {
            return conf;
        }
        List<String> resolved = entries.stream()
            .map(uri -> DependencyPaths.kind(uri) == Kind.CONTAINER_LOCAL ? uri : dir + "/"
                + DependencyPaths.fileName(uri))
            .toList();
        return conf.with(key, String.join(",", resolved));
    }

    /** Local archives: their path in the files directory, with the {@code #name} they were given. */
    private static SparkConf rewriteLocalArchives(SparkConf conf, String dir) {
        List<String> entries = ConfValues.list(conf, ARCHIVES);
        if (entries.isEmpty()) {
            return conf;
        }
        List<String> resolved = entries.stream().map(entry -> {
            String uri = InitContainerLayout.withoutAlias(entry);
            return DependencyPaths.kind(uri) == Kind.SUBMITTER_LOCAL
                ? dir + "/" + DependencyPaths.fileName(uri) + entry.substring(uri.length())
                : entry;
        }).toList();
        return conf.with(ARCHIVES, String.join(",", resolved));
    }

    private static List<String> select(Map<String, List<String>> sources, Kind kind) {
        return sources.values().stream().flatMap(List::stream).filter(uri -> DependencyPaths.kind(uri) == kind)
            .toList();
    }

    private static List<Path> localFiles(Map<String, List<String>> sources, boolean onThisDisk) {
        List<Path> paths = new ArrayList<>();
        sources.forEach((key, uris) -> uris.stream().filter(uri -> DependencyPaths.kind(uri) == Kind.SUBMITTER_LOCAL)
            .forEach(uri -> {
                Path path = DependencyPaths.localFile(uri);
                if (onThisDisk && !Files.isReadable(path)) {
                    throw new SubmissionConfigurationException(key.equals("primary resource") ? "primary resource"
                        : key, "local file '" + uri + "' does not exist or cannot be read; give an existing file,"
                        + " a local:// path inside the image, or a remote URI");
                }
                paths.add(path);
            }));
        return paths;
    }

    private static String concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toString();
    }
}
