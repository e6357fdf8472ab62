package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.validation.KubernetesNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Families of keys whose last part is a name the user chooses: labels, annotations, node selectors,
 * environment variables, secrets and volumes of the driver and executor pods. Each family checks its
 * names and values with the API server's rules.
 */
public final class PodMetadataKeys {

    /** Labels Spark sets itself on every driver pod; users may not set them. */
    public static final Set<String> RESERVED_DRIVER_LABELS = Set.of("spark-app-selector", "spark-role");
    /** Labels Spark sets itself on every executor pod; users may not set them. */
    public static final Set<String> RESERVED_EXECUTOR_LABELS =
        Set.of("spark-app-selector", "spark-role", "spark-exec-id", "spark-exec-resourceprofile-id");
    /** Volume types Spark mounts from configuration. */
    public static final Set<String> VOLUME_TYPES = Set.of("hostPath", "emptyDir", "nfs", "persistentVolumeClaim");

    /** Driver pod labels. */
    public static final PrefixedConfigEntry DRIVER_LABELS = labels("spark.kubernetes.driver.label.",
        "Label added to the driver pod.", "2.3.0", RESERVED_DRIVER_LABELS, "spark.kubernetes.driver.labels");
    /** Driver pod annotations. */
    public static final PrefixedConfigEntry DRIVER_ANNOTATIONS = annotations("spark.kubernetes.driver.annotation.",
        "Annotation added to the driver pod.", "2.3.0", "spark.kubernetes.driver.annotations");
    /** Executor pod labels. */
    public static final PrefixedConfigEntry EXECUTOR_LABELS = labels("spark.kubernetes.executor.label.",
        "Label added to the executor pods.", "2.3.0", RESERVED_EXECUTOR_LABELS, "spark.kubernetes.executor.labels");
    /** Executor pod annotations. */
    public static final PrefixedConfigEntry EXECUTOR_ANNOTATIONS = annotations("spark.kubernetes.executor.annotation.",
        "Annotation added to the executor pods.", "2.3.0", "spark.kubernetes.executor.annotations");
    /** Driver service labels. */
    public static final PrefixedConfigEntry DRIVER_SERVICE_LABELS = labels("spark.kubernetes.driver.service.label.",
        "Label added to the driver service.", "4.0.0", Set.of(), null);
    /** Driver service annotations. */
    public static final PrefixedConfigEntry DRIVER_SERVICE_ANNOTATIONS =
        annotations("spark.kubernetes.driver.service.annotation.", "Annotation added to the driver service.", "3.0.0",
            null);
    /** Node selector of all pods. */
    public static final PrefixedConfigEntry NODE_SELECTOR = nodeSelector("spark.kubernetes.node.selector.",
        "Node selector entry of the driver and executor pods: they only run on nodes with this label.", "2.3.0");
    /** Node selector of the driver pod. */
    public static final PrefixedConfigEntry DRIVER_NODE_SELECTOR =
        nodeSelector("spark.kubernetes.driver.node.selector.",
        "Node selector entry of the driver pod only, added to spark.kubernetes.node.selector.*.", "3.3.0");
    /** Node selector of the executor pods. */
    public static final PrefixedConfigEntry EXECUTOR_NODE_SELECTOR =
        nodeSelector("spark.kubernetes.executor.node.selector.",
            "Node selector entry of the executor pods only, added to spark.kubernetes.node.selector.*.", "3.3.0");
    /** Driver environment variables. */
    public static final PrefixedConfigEntry DRIVER_ENV = PrefixedConfigEntry.prefix("spark.kubernetes.driverEnv.")
        .placeholder("EnvironmentVariableName")
        .doc("Environment variable of the driver container (executors: spark.executorEnv.[Name]).")
        .since("2.3.0").section(Section.POD_METADATA).build();
    /** Secrets mounted in the driver. */
    public static final PrefixedConfigEntry DRIVER_SECRETS = secrets("spark.kubernetes.driver.secrets.",
        "Secret of the namespace mounted in the driver container; the value is the mount path.");
    /** Secrets mounted in the executors. */
    public static final PrefixedConfigEntry EXECUTOR_SECRETS = secrets("spark.kubernetes.executor.secrets.",
        "Secret of the namespace mounted in the executor containers; the value is the mount path.");
    /** Secret keys as driver environment variables. */
    public static final PrefixedConfigEntry DRIVER_SECRET_KEY_REFS = secretKeyRefs(
        "spark.kubernetes.driver.secretKeyRef.",
        "Environment variable of the driver container taken from a secret; the value is <secret name>:<key>.");
    /** Secret keys as executor environment variables. */
    public static final PrefixedConfigEntry EXECUTOR_SECRET_KEY_REFS = secretKeyRefs(
        "spark.kubernetes.executor.secretKeyRef.",
        "Environment variable of the executor containers taken from a secret; the value is <secret name>:<key>.");
    /** Volumes mounted in the driver. */
    public static final PrefixedConfigEntry DRIVER_VOLUMES = volumes("spark.kubernetes.driver.volumes.", "driver");
    /** Volumes mounted in the executors. */
    public static final PrefixedConfigEntry EXECUTOR_VOLUMES = volumes("spark.kubernetes.executor.volumes.",
        "executor");

    /** Every entry of this class, in documentation order. */
    public static final List<CatalogueEntry> ALL = List.of(DRIVER_LABELS, DRIVER_ANNOTATIONS, EXECUTOR_LABELS,
        EXECUTOR_ANNOTATIONS, DRIVER_SERVICE_LABELS, DRIVER_SERVICE_ANNOTATIONS, NODE_SELECTOR, DRIVER_NODE_SELECTOR,
        EXECUTOR_NODE_SELECTOR, DRIVER_ENV, DRIVER_SECRETS, EXECUTOR_SECRETS, DRIVER_SECRET_KEY_REFS,
        EXECUTOR_SECRET_KEY_REFS, DRIVER_VOLUMES, EXECUTOR_VOLUMES);

    private PodMetadataKeys() {
    }

    private static PrefixedConfigEntry labels(String prefix, String doc, String since, Set<String> reserved,
                                              String listAlias) {
        PrefixedConfigEntry.Builder b = PrefixedConfigEntry.prefix(prefix).placeholder("LabelName")
            .doc(doc + " Keys and values follow the Kubernetes label rules"
                + (reserved.isEmpty() ? "." : "; " + String.join(", ", new TreeSet<>(reserved))
                + " are set by Spark and cannot be set here."))
            .since(since).section(Section.POD_METADATA)
            .rule((name, value) -> {
                if (reserved.contains(name)) {
                    return Optional.of("label " + name + " is set by Spark itself and cannot be set; reserved labels"
                        + " are " + String.join(", ", new TreeSet<>(reserved)));
                }
                return KubernetesNames.labelKeyProblem(name).or(() -> KubernetesNames.labelValueProblem(value));
            });
        if (listAlias != null) {
            b.deprecatedListAlias(listAlias);
        }
        return b.build();
    }

    private static PrefixedConfigEntry annotations(String prefix, String doc, String since, String listAlias) {
        PrefixedConfigEntry.Builder b = PrefixedConfigEntry.prefix(prefix).placeholder("AnnotationName")
            .doc(doc + " Keys follow the Kubernetes annotation key rules; all annotations together are at most"
                + " 256 KiB.")
            .since(since).section(Section.POD_METADATA)
            .rule((name, value) -> KubernetesNames.annotationKeyProblem(name))
            .wholeRule(PodMetadataKeys::annotationsSizeProblem);
        if (listAlias != null) {
            b.deprecatedListAlias(listAlias);
        }
        return b.build();
    }

    private static Optional<String> annotationsSizeProblem(Map<String, String> annotations) {
        long size = annotations.entrySet().stream()
            .mapToLong(e -> e.getKey().length() + (long) e.getValue().length()).sum();
        if (size > KubernetesNames.MAX_ANNOTATIONS_SIZE) {
            return Optional.of("the annotations total " + size + " bytes; Kubernetes allows at most "
                + KubernetesNames.MAX_ANNOTATIONS_SIZE + " bytes of keys and values per object");
        }
        return Optional.empty();
    }

    private static PrefixedConfigEntry nodeSelector(String prefix, String doc, String since) {
        return PrefixedConfigEntry.prefix(prefix).placeholder("LabelKey").doc(doc)
            .since(since).section(Section.POD_METADATA)
            .rule((name, value) -> KubernetesNames.labelKeyProblem(name)
                .or(() -> KubernetesNames.labelValueProblem(value)))
            .build();
    }

    private static PrefixedConfigEntry secrets(String prefix, String doc) {
        return PrefixedConfigEntry.prefix(prefix).placeholder("SecretName").doc(doc)
            .since("2.3.0").section(Section.POD_METADATA)
            .rule((name, value) -> KubernetesNames.dnsSubdomainProblem(name, "secret name")
                .or(() -> value.startsWith("/") ? Optional.empty()
                    : Optional.of("mount path '" + value + "' is not absolute; expected a path such as /etc/secrets")))
            .build();
    }

    private static PrefixedConfigEntry secretKeyRefs(String prefix, String doc) {
        return PrefixedConfigEntry.prefix(prefix).placeholder("EnvName").doc(doc)
            .since("2.4.0").section(Section.POD_METADATA)
            .rule((name, value) -> {
                int colon = value.indexOf(':');
                if (colon <= 0 || colon == value.length() - 1) {
                    return Optional.of("'" + value + "' is not <secret name>:<key>; expected e.g."
                        + " db-credentials:password");
                }
                return KubernetesNames.dnsSubdomainProblem(value.substring(0, colon), "secret name");
            })
            .build();
    }

    private static PrefixedConfigEntry volumes(String prefix, String role) {
        return PrefixedConfigEntry.prefix(prefix).placeholder("VolumeType].[VolumeName].[Property")
            .doc("Volume mounted in the " + role + " container. VolumeType is " + String.join(", ",
                new TreeSet<>(VOLUME_TYPES)) + "; Property is mount.path (required), mount.readOnly, mount.subPath,"
                + " mount.subPathExpr or options.[OptionName] (e.g. options.claimName for a persistentVolumeClaim).")
            .since("2.4.0").section(Section.POD_METADATA)
            .rule(PodMetadataKeys::volumePropertyProblem)
            .wholeRule(PodMetadataKeys::volumesWithoutMountPath)
            .build();
    }

    private static Optional<String> volumePropertyProblem(String rest, String value) {
        String[] parts = rest.split("\\.", 3);
        if (parts.length < 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            return Optional.of("expected <VolumeType>.<VolumeName>.<property>, e.g."
                + " persistentVolumeClaim.data.mount.path");
        }
        if (!VOLUME_TYPES.contains(parts[0])) {
            return Optional.of("volume type '" + parts[0] + "' is not supported; expected one of "
                + String.join(", ", new TreeSet<>(VOLUME_TYPES)));
        }
        String property = parts[2];
        boolean known = Set.of("mount.path", "mount.readOnly", "mount.subPath", "mount.subPathExpr").contains(property)
            || property.startsWith("options.") && property.length() > "options.".length();
        if (!known) {
            return Optional.of("volume property '" + property + "' is not known; expected mount.path, mount.readOnly,"
                + " mount.subPath, mount.subPathExpr or options.<name>");
        }
        if (property.equals("mount.readOnly") && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            return Optional.of("'" + value + "' is not a boolean; expected true or false");
        }
        return KubernetesNames.dnsLabelProblem(parts[1], "volume name");
    }

    private static Optional<String> volumesWithoutMountPath(Map<String, String> properties) {
        Map<String, Boolean> hasPath = new TreeMap<>();
        properties.keySet().forEach(k -> {
            String[] parts = k.split("\\.", 3);
            String volume = parts[0] + "." + parts[1];
            hasPath.merge(volume, parts[2].equals("mount.path"), Boolean::logicalOr);
        });
        return hasPath.entrySet().stream().filter(e -> !e.getValue()).findFirst()
            .map(e -> "volume " + e.getKey() + " has no mount.path; set " + e.getKey() + ".mount.path to where it is"
                + " mounted");
    }
}
