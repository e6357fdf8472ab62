package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.PodTemplates;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The executor pod template, shipped in a ConfigMap mounted in the driver at {@value #MOUNT_PATH};
 * the driver is given the mounted path in {@code spark.kubernetes.executor.podTemplateFile} (the key
 * Spark's driver builds executor pods from).
 *
 * <p>The template is the submitter's file, if one is given (checked to be a pod before anything is
 * created), plus — when the submission has dependencies to localize — the same init-container the
 * driver runs, with its ConfigMap and Secret volumes and the jars and files emptyDirs, and those
 * emptyDirs mounted in the executor container. So executors localize the same dependencies, from
 * the same staged bundles, into the same paths as the driver. What the submitter's template sets is
 * kept; ours is only added. Without dependencies, the submitter's file is shipped as it is.
 *
 * <p>The executor container is the template's container named {@code
 * spark.kubernetes.executor.podTemplateContainerName}, else its first, else a new one named
 * {@value #EXECUTOR_CONTAINER_NAME} (Spark's name for it).
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
    /** The name of the executor container when the template has none. */
    public static final String EXECUTOR_CONTAINER_NAME = "spark-kubernetes-executor";
    /** The driver's volume holding the template. */
    public static final String VOLUME = "pod-template-volume";
    private static final String CONTAINER_KEY = KubernetesKeys.EXECUTOR_POD_TEMPLATE_CONTAINER_NAME.key();

    private final DriverResourceNames names;
    private final InitContainerLayout.Localization localization;
    private final List<String> dependencies;

    /**
     * A step that ships the submitter's template only (no dependencies to localize).
     *
     * @param names the ConfigMap's name and namespace
     */
    public ExecutorPodTemplateStep(DriverResourceNames names) {
        this.names = names;
        this.localization = InitContainerLayout.Localization.NONE;
        this.dependencies = List.of();
    }

    /**
     * @param names the ConfigMap's name and namespace, and the names of the init-container's ConfigMap
     *     and Secret
     * @param submittedConf the configuration as submitted (its dependencies decide whether executors get
     *     the init-container, and whether it mounts the staging Secret)
     * @param primaryResource the application's jar or script, as submitted
     */
    public ExecutorPodTemplateStep(DriverResourceNames names, SparkConf submittedConf, String primaryResource) {
        this.names = names;
        this.localization = InitContainerLayout.Localization.of(submittedConf, primaryResource);
        this.dependencies = InitContainerLayout.toLocalize(submittedConf, primaryResource);
    }

    /** Whether a submission needs this step: it gave an executor template, or it has dependencies. */
    public static boolean isNeeded(SparkConf submittedConf, String primaryResource) {
        return submittedConf.contains(KEY)
            || InitContainerLayout.Localization.of(submittedConf, primaryResource)
                != InitContainerLayout.Localization.NONE;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        Optional<String> path = conf.get(KEY).filter(p -> !p.equals(MOUNT_PATH + "/" + FILE_NAME));
        boolean withInit = localization != InitContainerLayout.Localization.NONE;
        if (path.isEmpty() && !withInit) {
            return spec;
        }
        Optional<String> submitted = path.map(ExecutorPodTemplateStep::read);
        Optional<Pod> template = submitted.map(content -> PodTemplates.parse(KEY, path.get(), content));
        String content = withInit
            ? PodTemplates.toYaml(withInitContainer(template.orElseGet(() -> new PodBuilder().withApiVersion("v1")
                .withKind("Pod").build()), conf,
                path.orElse(null)))
            : submitted.get();
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

    private Pod withInitContainer(Pod template, SparkConf conf, String path) {
        String image = InitContainerLayout.image(conf, String.join(", ", dependencies));
        Pod pod = PodTemplates.addTo(template, InitContainerLayout.initContainerPod(conf, names, image,
            localization == InitContainerLayout.Localization.STAGED));
        List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
        Optional<String> wanted = KubernetesKeys.EXECUTOR_POD_TEMPLATE_CONTAINER_NAME.find(conf);
        int index;
        if (wanted.isPresent()) {
            index = indexOf(containers, wanted.get());
            if (index < 0 && !containers.isEmpty()) {
                throw new SubmissionConfigurationException(CONTAINER_KEY, "the template " + path + " has no"
                    + " container named '" + wanted.get() + "'; it has " + containers.stream().map(Container::getName)
                    .toList());
            }
        } else {
            index = containers.isEmpty() ? -1 : 0;
        }
        if (index < 0) {
            containers.add(new ContainerBuilder().withName(wanted.orElse(EXECUTOR_CONTAINER_NAME)).build());
            index = containers.size() - 1;
        }
        containers.set(index, PodTemplates.addTo(containers.get(index),
            InitContainerLayout.sparkContainerMounts(conf)));
        return new PodBuilder(pod).editSpec().withContainers(containers).endSpec().build();
    }

    private static int indexOf(List<Container> containers, String name) {
        for (int i = 0; i < containers.size(); i++) {
            if (name.equals(containers.get(i).getName())) {
                return i;
            }
        }
        return -1;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new SubmissionConfigurationException(KEY, "cannot read '" + path + "' (" + e + "); give a readable"
                + " pod template file on the submitting machine");
        }
    }
}
