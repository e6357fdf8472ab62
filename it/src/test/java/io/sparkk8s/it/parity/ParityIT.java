package io.sparkk8s.it.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.it.submission.SubmissionMatrix;
import io.sparkk8s.it.submission.SubmissionMatrix.App;
import io.sparkk8s.it.submission.SubmissionMatrix.Feature;
import io.sparkk8s.submission.KubernetesDriverSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesDriverConf;
import org.apache.spark.deploy.k8s.submit.JavaMainAppResource;
import org.apache.spark.deploy.k8s.submit.KubernetesDriverBuilder;
import org.apache.spark.deploy.k8s.submit.MainAppResource;
import org.apache.spark.deploy.k8s.submit.PythonMainAppResource;
import org.apache.spark.deploy.k8s.submit.RMainAppResource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Our driver against upstream Spark's (spark-kubernetes {@code ${spark.version}}, built in the same
 * run by its own {@code KubernetesDriverBuilder}) for the same submissions, field by field for what
 * Spark's entrypoint and runtime read: args, env, ports, resources, labels, annotations, pod-level
 * settings, mount paths, and the keys (and stable values) of the properties file. Run with {@code
 * ./mvnw -B -pl it -am -Pparity verify -Dit.test=ParityIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}. The differences we keep on purpose are listed below
 * with the reason; anything else fails the test.
 */
class ParityIT {

    /** Env vars only upstream sets. None: we set what the entrypoint and runtime read. */
    private static final Set<String> UPSTREAM_ONLY_ENV = Set.of();
    /** Env vars only we set: SPARK_CONF_DIR (upstream's client sets it outside the builder). */
    private static final Set<String> OURS_ONLY_ENV = Set.of("SPARK_CONF_DIR");
    /** Env vars whose values are random upstream. */
    private static final Set<String> RANDOM_ENV = Set.of("SPARK_LOCAL_DIRS");
    /** Labels only upstream sets: spark-version (we cannot know the Spark version in the image). */
    private static final Set<String> UPSTREAM_ONLY_LABELS = Set.of("spark-version");
    /** Mounts only we add: the properties file (upstream's client adds it after the builder). */
    private static final Set<String> OURS_ONLY_MOUNTS = Set.of("/opt/spark/conf");
    /** Property keys whose values must be the same (names differ by design: see docs). */
    private static final Set<String> STABLE_VALUES = Set.of("spark.app.id", "spark.app.name",
        "spark.kubernetes.namespace", "spark.driver.port", "spark.driver.blockManager.port",
        "spark.kubernetes.submitInDriver", "spark.kubernetes.resource.type", "spark.kubernetes.memoryOverheadFactor",
        "spark.kubernetes.executor.podTemplateFile", "spark.kubernetes.authenticate.driver.mounted.caCertFile",
        "spark.kubernetes.authenticate.driver.mounted.oauthTokenFile");
    /** Property keys only in ours / only in upstream's, with the reason in the class comment of the step. */
    private static final Set<String> OURS_ONLY_KEYS = Set.of();
    private static final Set<String> UPSTREAM_ONLY_KEYS = Set.of(
        // upstream keeps the submitter's file paths; we leave them out of the pod only when they are secrets
        "spark.kubernetes.authenticate.driver.oauthToken");

    @TempDir
    Path dir;

    static Stream<SubmissionMatrix.Case> cases() {
        List<SubmissionMatrix.Case> cases = new ArrayList<>();
        List<Set<Feature>> features = List.of(EnumSet.noneOf(Feature.class), EnumSet.of(Feature.LABELS),
            EnumSet.of(Feature.SECRETS), EnumSet.of(Feature.SERVICE_ACCOUNT),
            EnumSet.of(Feature.RESOURCES), EnumSet.of(Feature.CREDENTIALS), EnumSet.of(Feature.TEMPLATES),
            EnumSet.of(Feature.HADOOP), EnumSet.of(Feature.LABELS, Feature.SECRETS,
                Feature.SERVICE_ACCOUNT, Feature.RESOURCES, Feature.CREDENTIALS, Feature.TEMPLATES, Feature.HADOOP));
        for (App app : App.values()) {
            for (Set<Feature> f : features) {
                cases.add(new SubmissionMatrix.Case(app, EnumSet.copyOf(f.isEmpty() ? EnumSet.noneOf(Feature.class)
                    : f)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ourDriverMatchesUpstreamsWhereSparkReadsIt(SubmissionMatrix.Case c) throws IOException {
        SubmissionRequest request = SubmissionMatrix.request(c, "jobs", "https://127.0.0.1:6443", dir);
        String appId = "spark-0123456789abcdef0123456789abcdef";
        KubernetesDriverSpec ours = SubmissionMatrix.spec(request, appId);
        Upstream theirs = upstream(request, appId);
        Pod ourPod = ours.podWithDriverContainer();
        Container ourContainer = ours.driverContainer();
        List<String> differences = new ArrayList<>();

        compare(differences, "args", ourContainer.getArgs(), theirs.container.getArgs());
        Map<String, String> ourEnv = env(ourContainer);
        Map<String, String> theirEnv = env(theirs.container);
        compare(differences, "env names", minus(ourEnv.keySet(), OURS_ONLY_ENV),
            minus(theirEnv.keySet(), UPSTREAM_ONLY_ENV));
        for (String name : theirEnv.keySet()) {
            if (ourEnv.containsKey(name) && !RANDOM_ENV.contains(name)) {
                compare(differences, "env " + name, ourEnv.get(name), theirEnv.get(name));
            }
        }
        compare(differences, "ports", ports(ourContainer), ports(theirs.container));
        compare(differences, "resources", ourContainer.getResources(), theirs.container.getResources());
        compare(differences, "image", ourContainer.getImage(), theirs.container.getImage());
        compare(differences, "pull policy", ourContainer.getImagePullPolicy(), theirs.container.getImagePullPolicy());
        compare(differences, "labels", new TreeMap<>(ourPod.getMetadata().getLabels()),
            without(theirs.pod.getMetadata().getLabels(), UPSTREAM_ONLY_LABELS));
        compare(differences, "annotations", new TreeMap<>(orEmpty(ourPod.getMetadata().getAnnotations())),
            new TreeMap<>(orEmpty(theirs.pod.getMetadata().getAnnotations())));
        compare(differences, "restartPolicy", ourPod.getSpec().getRestartPolicy(),
            theirs.pod.getSpec().getRestartPolicy());
        // Upstream drops the service account when it mounts driver credentials; we keep both (the driver
        // uses the mounted credentials either way, and the account may matter to admission policies).
        if (!c.features().contains(Feature.CREDENTIALS)) {
            compare(differences, "serviceAccountName", ourPod.getSpec().getServiceAccountName(),
                theirs.pod.getSpec().getServiceAccountName());
        }
        compare(differences, "nodeSelector", new TreeMap<>(orEmpty(ourPod.getSpec().getNodeSelector())),
            new TreeMap<>(orEmpty(theirs.pod.getSpec().getNodeSelector())));
        compare(differences, "tolerations", ourPod.getSpec().getTolerations(), theirs.pod.getSpec().getTolerations());
        compare(differences, "mount paths", minus(mounts(ourContainer, ourEnv), OURS_ONLY_MOUNTS),
            mounts(theirs.container, theirEnv));
        Map<String, String> ourProps = properties(ours);
        compare(differences, "property keys", minus(ourProps.keySet(), OURS_ONLY_KEYS),
            minus(theirs.properties.keySet(), UPSTREAM_ONLY_KEYS));
        for (String key : STABLE_VALUES) {
            if (theirs.properties.containsKey(key) || ourProps.containsKey(key)) {
                compare(differences, "property " + key, ourProps.get(key), theirs.properties.get(key));
            }
        }

        differences.forEach(d -> System.out.println("PARITY " + c + " | " + d));
        assertThat(differences).as("differences from upstream Spark for %s", c).isEmpty();
    }

    private record Upstream(Pod pod, Container container, Map<String, String> properties) {
    }

    private static Upstream upstream(SubmissionRequest request, String appId) {
        SparkConf conf = new SparkConf(false);
        request.sparkConf().asMap().forEach(conf::set);
        conf.set("spark.master", request.master().toString().replaceFirst("^", "k8s://"));
        conf.set("spark.submit.deployMode", "cluster");
        MainAppResource resource;
        String mainClass;
        switch (request.applicationType()) {
            case PYTHON -> {
                resource = new PythonMainAppResource(request.primaryResource());
                mainClass = "org.apache.spark.deploy.PythonRunner";
            }
            case R -> {
                resource = new RMainAppResource(request.primaryResource());
                mainClass = "org.apache.spark.deploy.RRunner";
            }
            default -> {
                resource = new JavaMainAppResource(Option.apply(request.primaryResource()));
                mainClass = request.mainClass().orElseThrow();
            }
        }
        KubernetesDriverConf driverConf = KubernetesConf.createDriverConf(conf, appId, resource, mainClass,
            request.appArgs().toArray(String[]::new), Option.empty());
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.empty()).build()) {
            org.apache.spark.deploy.k8s.KubernetesDriverSpec spec = new KubernetesDriverBuilder()
                .buildFromFeatures(driverConf, client);
            Map<String, String> properties = new TreeMap<>();
            for (scala.Tuple2<String, String> entry : conf.getAll()) {
                properties.put(entry._1(), entry._2());
            }
            properties.putAll(CollectionConverters.asJava(spec.systemProperties()));
            return new Upstream(spec.pod().pod(), spec.pod().container(), properties);
        }
    }

    private static Map<String, String> properties(KubernetesDriverSpec spec) throws IOException {
        HasMetadata confMap = spec.otherKubernetesResources().stream()
            .filter(r -> r.getMetadata().getName().endsWith("-driver-conf-map")).findFirst().orElseThrow();
        Properties p = new Properties();
        p.load(new StringReader(((io.fabric8.kubernetes.api.model.ConfigMap) confMap).getData()
            .get("spark.properties")));
        Map<String, String> result = new TreeMap<>();
        p.forEach((k, v) -> result.put((String) k, (String) v));
        return result;
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> env = new TreeMap<>();
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue();
            if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                value = "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath();
            } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                value = "secret:" + e.getValueFrom().getSecretKeyRef().getName() + ":"
                    + e.getValueFrom().getSecretKeyRef().getKey();
            }
            env.put(e.getName(), value);
        }
        return env;
    }

    private static List<String> ports(Container c) {
        return c.getPorts().stream().map(p -> p.getName() + "=" + p.getContainerPort()).sorted().toList();
    }

    /** Mount paths, without the local dirs (their paths are random upstream). */
    private static Set<String> mounts(Container c, Map<String, String> env) {
        Set<String> localDirs = Set.of(Objects.requireNonNullElse(env.get("SPARK_LOCAL_DIRS"), "").split(","));
        return c.getVolumeMounts().stream().map(VolumeMount::getMountPath).filter(p -> !localDirs.contains(p))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private static <T> Set<T> minus(Set<T> set, Set<?> removed) {
        Set<T> result = new TreeSet<>(set);
        result.removeAll(removed);
        return result;
    }

    private static Map<String, String> without(Map<String, String> map, Set<String> keys) {
        Map<String, String> result = new TreeMap<>(orEmpty(map));
        keys.forEach(result::remove);
        return result;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static void compare(List<String> differences, String what, Object ours, Object theirs) {
        if (ours instanceof Set<?> a && theirs instanceof Set<?> b && !a.equals(b)) {
            differences.add(what + ": only ours=" + minus(a, b) + " only upstream=" + minus(b, a));
            return;
        }
        if (ours instanceof Map<?, ?> a && theirs instanceof Map<?, ?> b && !a.equals(b)) {
            Set<Object> keys = new TreeSet<>(a.keySet());
            keys.addAll(b.keySet());
            keys.stream().filter(k -> !Objects.equals(a.get(k), b.get(k))).forEach(k -> differences.add(what + " " + k
                + ": ours=" + a.get(k) + " upstream=" + b.get(k)));
            return;
        }
        if (!Objects.equals(ours, theirs)) {
            differences.add(what + ": ours=" + ours + " upstream=" + theirs);
        }
    }
}
