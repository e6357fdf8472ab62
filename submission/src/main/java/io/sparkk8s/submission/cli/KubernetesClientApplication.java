package io.sparkk8s.submission.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.config.catalogue.KubernetesKeys;
import io.sparkk8s.config.submit.SparkSubmitCommand;
import io.sparkk8s.submission.DriverConfigurationStepsOrchestrator;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator;
import io.sparkk8s.submission.SubmissionClientConfig;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.staging.ResourceStagerFactory;
import io.sparkk8s.submission.staging.StagedBundlesRollback;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import io.sparkk8s.submission.status.DriverPodStatusWatcher;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What {@code bin/spark-k8s submit} does once its arguments are parsed: build the driver spec with
 * the orchestrator's steps in a plain loop, create it (or print it with {@code --dry-run}), and
 * optionally wait for the driver to finish; {@code --kill} and {@code --status} by submission id.
 * Results go to {@code out}, progress to {@code err}. Returns the CLI's exit code.
 */
final class KubernetesClientApplication {

    static final int EXIT_OK = 0;
    static final int EXIT_APP_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final Function<SubmissionRequest, KubernetesClient> clients;

    KubernetesClientApplication(PrintWriter out, PrintWriter err, Map<String, String> env) {
        this(out, err, env, r -> SubmissionClientConfig.createClient(r.master(), r.sparkConf(), env));
    }

    KubernetesClientApplication(PrintWriter out, PrintWriter err, Map<String, String> env,
        Function<SubmissionRequest, KubernetesClient> clients) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.clients = clients;
    }

    int submit(SparkSubmitCommand.Submit command) throws InterruptedException {
        SubmissionRequest request = command.request();
        String appId = DriverResourceNames.newAppId();
        DriverResourceNames names = DriverResourceNames.of(appId, request.appName(), request.sparkConf());
        if (command.dryRun()) {
            KubernetesDriverSpec spec = new DriverConfigurationStepsOrchestrator(request, names,
                Optional.of(new DryRunStager()), env).buildSpec();
            printYaml(spec);
            return EXIT_OK;
        }
        Optional<StagedBundlesRollback> stager = stager(request.sparkConf()).map(StagedBundlesRollback::new);
        try (KubernetesClient client = clients.apply(request)) {
            KubernetesResourceCreator.CreatedResources created;
            try {
                KubernetesDriverSpec spec = new DriverConfigurationStepsOrchestrator(request, names,
                    stager.map(ResourceStager.class::cast), env).buildSpec();
                created = new KubernetesResourceCreator(client).create(spec);
            } catch (RuntimeException e) {
                // Nothing of a failed submission may stay behind: the creator removed what it created,
                // the bundles already staged go too.
                stager.ifPresent(rollback -> rollback.deleteUploaded(err));
                throw e;
            }
            String id = names.namespace() + ":" + created.driverPod().getMetadata().getName();
            err.println("Submitted application " + request.appName() + " (" + appId + ") as driver pod " + id);
            out.println(id);
            out.flush();
            if (!KubernetesKeys.WAIT_APP_COMPLETION.get(request.sparkConf())) {
                return EXIT_OK;
            }
            Duration interval = KubernetesKeys.REPORT_INTERVAL.get(request.sparkConf());
            DriverPodStatusWatcher.Result result = new DriverPodStatusWatcher(client, names.namespace(),
                created.driverPod().getMetadata().getName(), interval, line -> {
                    err.println(line);
                    err.flush();
                }).awaitCompletion();
            err.println("Application " + request.appName() + " (" + id + ") finished: " + result.outcome());
            return result.outcome() == DriverPodStatusWatcher.Outcome.SUCCEEDED ? EXIT_OK : EXIT_APP_FAILED;
        }
    }

    int kill(String target, KubernetesMasterUrl master, SparkConf conf) {
        DriverPodSelector selector = DriverPodSelector.parse("--kill", target, namespace(conf));
        try (KubernetesClient client = SubmissionClientConfig.createClient(master, conf, env)) {
            List<Pod> pods = selector.select(client);
            if (pods.isEmpty()) {
                throw new InvalidConfigurationException("--kill", "no driver pod matches '" + target + "' in"
                    + " namespace " + selector.namespace() + "; use --status to list them");
            }
            Optional<Duration> grace = KubernetesKeys.APP_KILL_GRACE_PERIOD.find(conf);
            for (Pod pod : pods) {
                var resource = client.pods().inNamespace(selector.namespace()).withName(pod.getMetadata().getName());
                if (grace.isPresent()) {
                    resource.withGracePeriod(grace.get().toSeconds()).delete();
                } else {
                    resource.delete();
                }
                out.println("killed " + selector.namespace() + ":" + pod.getMetadata().getName());
            }
            return EXIT_OK;
        }
    }

    int status(String target, KubernetesMasterUrl master, SparkConf conf) {
        DriverPodSelector selector = DriverPodSelector.parse("--status", target, namespace(conf));
        try (KubernetesClient client = SubmissionClientConfig.createClient(master, conf, env)) {
            List<Pod> pods = selector.select(client);
            if (pods.isEmpty()) {
                throw new InvalidConfigurationException("--status", "no driver pod matches '" + target + "' in"
                    + " namespace " + selector.namespace());
            }
            for (Pod pod : pods) {
                out.println(selector.namespace() + ":" + pod.getMetadata().getName() + "\t"
                    + DriverPodStatusWatcher.phase(pod) + "\t"
                    + Optional.ofNullable(pod.getMetadata().getLabels()).map(l -> l.get(DriverLabelsStep.APP_ID_LABEL))
                        .orElse("-")
                    + "\t" + Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).orElse("-"));
            }
            return EXIT_OK;
        }
    }

    private static String namespace(SparkConf conf) {
        return KubernetesKeys.NAMESPACE.find(conf).orElse("default");
    }

    private void printYaml(KubernetesDriverSpec spec) {
        List<HasMetadata> all = new ArrayList<>();
        all.add(new PodBuilder(spec.podWithDriverContainer()).build());
        for (HasMetadata resource : spec.otherKubernetesResources()) {
            all.add(resource instanceof Secret secret ? redacted(secret) : resource);
        }
        for (HasMetadata resource : all) {
            String yaml = SERIALIZATION.asYaml(resource);
            out.print(yaml.startsWith("---") ? yaml : "---\n" + yaml);
        }
        out.flush();
    }

    private static Secret redacted(Secret secret) {
        SecretBuilder copy = new SecretBuilder(secret);
        if (secret.getData() != null) {
            secret.getData().keySet().forEach(k -> copy.addToData(k, "PHJlZGFjdGVkPg=="));
        }
        return copy.build();
    }

    private Optional<ResourceStager> stager(SparkConf conf) {
        Optional<String> uri = conf.get("spark.kubernetes.resourceStagingServer.uri");
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResourceStagerFactory> factory = ServiceLoader.load(ResourceStagerFactory.class).findFirst();
        if (factory.isEmpty()) {
            return Optional.of(new MissingStagingClient());
        }
        return Optional.of(factory.get().create(URI.create(uri.get()), conf));
    }

    /** The stager of a build without streams-staging: staging fails and says why. */
    private static final class MissingStagingClient implements ResourceStager {
        @Override
        public java.util.concurrent.CompletionStage<SubmittedResourceIdAndSecret> uploadResources(
            List<java.nio.file.Path> localFiles, String ownerNamespace, Map<String, String> ownerLabels) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                "spark.kubernetes.resourceStagingServer.uri is set but no staging client (streams-staging) is on"
                    + " the classpath of this build"));
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Stands in for the staging server in {@code --dry-run}: nothing is uploaded. */
    private static final class DryRunStager implements ResourceStager {
        @Override
        public java.util.concurrent.CompletionStage<SubmittedResourceIdAndSecret> uploadResources(
            List<java.nio.file.Path> localFiles, String ownerNamespace, Map<String, String> ownerLabels) {
            return CompletableFuture.completedFuture(new SubmittedResourceIdAndSecret("<assigned at submission>",
                "<assigned at submission>"));
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> deleteResources(SubmittedResourceIdAndSecret bundle) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
