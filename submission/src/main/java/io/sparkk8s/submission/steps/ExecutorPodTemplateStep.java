package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.PodTemplates;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The executor pod template ({@code spark.kubernetes.executor.podTemplateFile}, a file on the
 * submitter's machine) copied into a ConfigMap mounted in the driver at {@value #MOUNT_PATH}; the
 * driver is given the mounted path. The template is checked to be a pod before anything is created.
 *
 * <p>This step owns {@code spark.kubernetes.executor.podTemplateFile}: it is the one key it replaces
 * (the submitter's path means nothing inside the pod).
 */
public final class ExecutorPodTemplateStep implements DriverConfigurationStep {

    /** The executor template key. */
    public static final String KEY = KubernetesKeys.EXECUTOR_POD_TEMPLATE_FILE.key();
    /** Where the template is mounted in the driver. */
    public static final String MOUNT_PATH = "/opt/spark/pod-template";
    /** The template's file name inside {@link #MOUNT_PATH}. */
    public static final String FILE_NAME = "pod-spec-template.yml";
    private static final String VOLUME = "pod-template-volume";

    private final DriverResourceNames names;

    /** @param names the ConfigMap's name and namespace */
    public ExecutorPodTemplateStep(DriverResourceNames names) {
        this.names = names;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        String path = spec.driverSparkConf().get(KEY).orElse(null);
        if (path == null || path.equals(MOUNT_PATH + "/" + FILE_NAME)) {
            return spec;
        }
        String content;
        try {
            content = Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new SubmissionConfigurationException(KEY, "cannot read '" + path + "' (" + e + "); give a readable"
                + " pod template file on the submitting machine");
        }
        PodTemplates.parse(KEY, path, content);
        String configMap = names.resourceName("podspec-configmap");
        return spec
            .withOtherResource(new ConfigMapBuilder()
                .withNewMetadata().withName(configMap).withNamespace(names.namespace()).endMetadata()
                .addToData(FILE_NAME, content)
                .build())
            .addToDriverPod(new PodBuilder().withNewSpec().addNewVolume().withName(VOLUME).withNewConfigMap()
                .withName(configMap).addNewItem().withKey(FILE_NAME).withPath(FILE_NAME).endItem().endConfigMap()
                .endVolume().endSpec().build())
            .addToDriverContainer(new ContainerBuilder().addNewVolumeMount().withName(VOLUME)
                .withMountPath(MOUNT_PATH).endVolumeMount().build())
            .withDriverSparkConf(spec.driverSparkConf().with(KEY, MOUNT_PATH + "/" + FILE_NAME));
    }
}
