package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.InitContainerKeys;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.SubmissionConfigurationException;
import io.sparkk8s.submission.steps.DependencyPaths.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The init-container and the volumes it shares with the Spark container, as a pure function of the
 * submitted configuration and the submission's names. The driver pod ({@link DependencyResolutionStep})
 * and the executor pod template ({@link ExecutorPodTemplateStep}) both take them from here, so the
 * executors localize exactly what the driver localizes, from the same ConfigMap and Secret.
 */
final class InitContainerLayout {

    static final String PROPERTIES_VOLUME = "spark-init-properties";
    static final String JARS_VOLUME = "download-jars-volume";
    static final String FILES_VOLUME = "download-files-volume";
    static final String SECRET_VOLUME = "spark-init-secret";

    /** What the init-container has to fetch for a submission. */
    enum Localization {
        /** Every dependency is in the image ({@code local://}): no init-container. */
        NONE,
        /** Only remote URIs: an init-container, no staging Secret. */
        REMOTE,
        /** Some of the submitter's local files are staged: an init-container with the staging Secret. */
        STAGED;

        /** The localization {@code conf}'s dependencies and the primary resource need, as submitted. */
        static Localization of(SparkConf conf, String primaryResource) {
            List<String> all = toLocalize(conf, primaryResource);
            // The submitter's local archives travel in the staged files bundle too (Spark fetches remote ones).
            if (all.stream().anyMatch(uri -> DependencyPaths.kind(uri) == Kind.SUBMITTER_LOCAL)
                || !localArchives(conf).isEmpty()) {
                return STAGED;
            }
            return all.stream().anyMatch(uri -> DependencyPaths.kind(uri) == Kind.REMOTE) ? REMOTE : NONE;
        }
    }

    private InitContainerLayout() {
    }

    /** The dependencies and primary resource of {@code conf}, as submitted, that are not in the image. */
    static List<String> toLocalize(SparkConf conf, String primaryResource) {
        List<String> all = new ArrayList<>(ConfValues.list(conf, "spark.jars"));
        all.addAll(ConfValues.list(conf, "spark.files"));
        all.addAll(ConfValues.list(conf, "spark.submit.pyFiles"));
        all.add(primaryResource);
        return all.stream().filter(uri -> DependencyPaths.kind(uri) != Kind.CONTAINER_LOCAL).toList();
    }

    /** The submitter's local archives of {@code conf} ({@code spark.archives}), without their {@code #name}. */
    static List<String> localArchives(SparkConf conf) {
        return ConfValues.list(conf, "spark.archives").stream().map(InitContainerLayout::withoutAlias)
            .filter(uri -> DependencyPaths.kind(uri) == Kind.SUBMITTER_LOCAL).toList();
    }

    /** An archive entry without its {@code #name} suffix (the directory Spark unpacks it into). */
    static String withoutAlias(String archive) {
        int hash = archive.lastIndexOf('#');
        return hash >= 0 && archive.indexOf('/', hash) < 0 ? archive.substring(0, hash) : archive;
    }

    /**
     * The init-container's image; {@code what} says what needs it, for the error when it is not set.
     */
    static String image(SparkConf conf, String what) {
        return InitContainerKeys.IMAGE.find(conf).filter(s -> !s.isBlank())
            .orElseThrow(() -> new SubmissionConfigurationException(DependencyResolutionStep.INIT_IMAGE,
                "the submission has dependencies to download (" + what + ") but no init-container image is set;"
                + " set " + DependencyResolutionStep.INIT_IMAGE + " or use local:// URIs"));
    }

    /**
     * A pod holding only the init-container and its volumes: the properties ConfigMap, the jars and
     * files emptyDirs and, when {@code staged}, the staging Secret.
     */
    static Pod initContainerPod(SparkConf conf, DriverResourceNames names, String image, boolean staged) {
        String jarsDir = DependencyPaths.jarsDir(conf);
        String filesDir = DependencyPaths.filesDir(conf);
        ContainerBuilder init = new ContainerBuilder()
            .withName(DependencyResolutionStep.INIT_CONTAINER_NAME)
            .withImage(image)
            .withImagePullPolicy(KubernetesKeys.CONTAINER_IMAGE_PULL_POLICY.get(conf))
            .withArgs("init", "--properties-file", DependencyResolutionStep.PROPERTIES_PATH)
            // The init-container writes one line per failed URI to its termination message; if that
            // write fails, the kubelet takes the log tail instead, so the pod status always says why.
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .addNewVolumeMount().withName(PROPERTIES_VOLUME).withMountPath("/etc/spark-init").endVolumeMount()
            .addNewVolumeMount().withName(JARS_VOLUME).withMountPath(jarsDir).endVolumeMount()
            .addNewVolumeMount().withName(FILES_VOLUME).withMountPath(filesDir).endVolumeMount();
        PodBuilder pod = new PodBuilder().withNewSpec()
            .addNewVolume().withName(PROPERTIES_VOLUME).withNewConfigMap()
                .withName(propertiesConfigMap(names)).endConfigMap().endVolume()
            .addNewVolume().withName(JARS_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName(FILES_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
            .endSpec();
        if (staged) {
            pod.editSpec().addNewVolume().withName(SECRET_VOLUME).withNewSecret().withSecretName(secret(names))
                .endSecret().endVolume().endSpec();
            init.addNewVolumeMount().withName(SECRET_VOLUME).withMountPath(DependencyResolutionStep.SECRET_MOUNT_PATH)
                .withReadOnly(true).endVolumeMount();
        }
        return pod.editSpec().addToInitContainers(init.build()).endSpec().build();
    }

    /** The mounts of the jars and files directories in the Spark container (driver or executor). */
    static Container sparkContainerMounts(SparkConf conf) {
        return new ContainerBuilder()
            .addNewVolumeMount().withName(JARS_VOLUME).withMountPath(DependencyPaths.jarsDir(conf)).endVolumeMount()
            .addNewVolumeMount().withName(FILES_VOLUME).withMountPath(DependencyPaths.filesDir(conf)).endVolumeMount()
            .build();
    }

    /** Name of the ConfigMap holding the init-container's properties file. */
    static String propertiesConfigMap(DriverResourceNames names) {
        return names.resourceName("init-config");
    }

    /** Name of the Secret holding the staging secrets and trust material. */
    static String secret(DriverResourceNames names) {
        return names.resourceName("init-secret");
    }
}
