package io.sparkk8s.submission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.steps.DependencyResolutionStep;
import io.sparkk8s.submission.steps.ExecutorPodTemplateStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The two rules of the design, checked for every step: a step only adds (its output contains its
 * input unchanged, whatever earlier steps or a pod template put there), and a step does not depend
 * on what other steps did (its contribution is the same on an empty spec and on a spec built by all
 * the other steps).
 */
class DriverConfigurationStepContractTest {

    /** Keys a step documents it replaces (the submitter's paths, resolved to paths in the pod). */
    private static final Map<Class<?>, Set<String>> OWNED_KEYS = Map.of(
        DependencyResolutionStep.class, Set.of("spark.jars", "spark.files", "spark.submit.pyFiles"),
        ExecutorPodTemplateStep.class, Set.of(ExecutorPodTemplateStep.KEY));

    private static Path dir;
    private static RichSubmission rich;
    private static List<DriverConfigurationStep> steps;

    @BeforeContainer
    static void createSubmission() throws IOException {
        dir = Files.createTempDirectory("contract");
        rich = RichSubmission.create(dir);
        steps = rich.orchestrator().steps();
    }

    @AfterContainer
    static void deleteFiles() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Property(tries = 300)
    void everyStepKeepsItsInputUnchanged(@ForAll("stepIndex") int index,
        @ForAll("priorSpecs") KubernetesDriverSpec prior) {
        DriverConfigurationStep step = steps.get(index);

        KubernetesDriverSpec out = step.configureDriver(prior);

        SpecContainment.assertContains(prior, out, OWNED_KEYS.getOrDefault(step.getClass(), Set.of()));
    }

    @Property(tries = 50)
    void everyStepAddsTheSameWhateverTheOtherStepsDid(@ForAll("stepIndex") int index) {
        DriverConfigurationStep step = steps.get(index);
        KubernetesDriverSpec initial = KubernetesDriverSpec.initial(rich.request().sparkConf());
        KubernetesDriverSpec others = initial;
        for (DriverConfigurationStep other : steps) {
            if (other != step && !(other instanceof io.sparkk8s.submission.steps.SparkConfConfigMapStep)) {
                others = other.configureDriver(others);
            }
        }
        if (step instanceof io.sparkk8s.submission.steps.SparkConfConfigMapStep) {
            return; // renders the conf it is given by design; covered by its own test
        }

        KubernetesDriverSpec alone = step.configureDriver(initial);
        KubernetesDriverSpec afterOthers = step.configureDriver(others);

        assertThat(SpecContainment.tree(afterOthers.driverPod()))
            .isEqualTo(SpecContainment.tree(AdditiveMerge.merge(others.driverPod(), alone.driverPod(), Pod.class)));
        assertThat(SpecContainment.tree(afterOthers.driverContainer())).isEqualTo(SpecContainment.tree(
            AdditiveMerge.merge(others.driverContainer(), alone.driverContainer(), Container.class)));
        List<HasMetadata> expectedResources = new ArrayList<>(others.otherKubernetesResources());
        expectedResources.addAll(alone.otherKubernetesResources());
        assertThat(afterOthers.otherKubernetesResources()).isEqualTo(expectedResources);
        Map<String, String> expectedConf = new TreeMap<>(others.driverSparkConf().asMap());
        Set<String> owned = OWNED_KEYS.getOrDefault(step.getClass(), Set.of());
        alone.driverSparkConf().asMap().forEach((k, v) -> {
            if (!v.equals(initial.driverSparkConf().get(k).orElse(null))
                && (owned.contains(k) || !expectedConf.containsKey(k))) {
                expectedConf.put(k, v);
            }
        });
        assertThat(afterOthers.driverSparkConf().asMap()).isEqualTo(expectedConf);
    }

    @Provide
    Arbitrary<Integer> stepIndex() {
        return Arbitraries.integers().between(0, steps.size() - 1);
    }

    /** Specs as a pod template or earlier steps could leave them: random metadata, env, volumes, conf. */
    @Provide
    Arbitrary<KubernetesDriverSpec> priorSpecs() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
            .map(s -> "prior-" + s);
        Arbitrary<Map<String, String>> maps = Arbitraries.maps(names, names).ofMaxSize(3);
        Arbitrary<List<String>> nameLists = names.list().ofMaxSize(3).uniqueElements();
        Arbitrary<Boolean> flags = Arbitraries.of(true, false);
        return Combinators.combine(maps, maps, nameLists, nameLists, maps, flags, flags, nameLists)
            .as((labels, annotations, volumes, env, conf, withImage, withArgs, resources) -> {
                PodBuilder pod = new PodBuilder().withNewMetadata().withLabels(labels).withAnnotations(annotations)
                    .endMetadata().withNewSpec().endSpec();
                ContainerBuilder container = new ContainerBuilder();
                for (String v : volumes) {
                    pod.editSpec().addNewVolume().withName(v).withNewEmptyDir().endEmptyDir().endVolume().endSpec();
                    container.addNewVolumeMount().withName(v).withMountPath("/" + v).endVolumeMount();
                }
                env.forEach(e -> container.addNewEnv().withName(e.replace('-', '_')).withValue(e).endEnv());
                if (withImage) {
                    container.withImage("template/image:1").withImagePullPolicy("Always")
                        .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("3Gi"))
                        .endResources();
                    pod.editSpec().withServiceAccountName("from-template").withRestartPolicy("Never").endSpec();
                }
                if (withArgs) {
                    container.withArgs("from", "template");
                }
                List<HasMetadata> others = resources.stream().<HasMetadata>map(r -> new ConfigMapBuilder()
                    .withNewMetadata().withName(r).endMetadata().build()).toList();
                Map<String, String> priorConf = new TreeMap<>(rich.request().sparkConf().asMap());
                conf.forEach((k, v) -> priorConf.put("spark.test." + k, v));
                return new KubernetesDriverSpec(pod.build(), container.build(), others, SparkConf.of(priorConf));
            });
    }
}
