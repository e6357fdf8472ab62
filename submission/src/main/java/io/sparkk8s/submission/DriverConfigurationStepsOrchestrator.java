package io.sparkk8s.submission;

import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.staging.ResourceStager;
import io.sparkk8s.submission.steps.BaseDriverPodStep;
import io.sparkk8s.submission.steps.DependencyResolutionStep;
import io.sparkk8s.submission.steps.DriverCommandStep;
import io.sparkk8s.submission.steps.DriverKubernetesCredentialsStep;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import io.sparkk8s.submission.steps.DriverSecretEnvStep;
import io.sparkk8s.submission.steps.DriverSecretsStep;
import io.sparkk8s.submission.steps.DriverServiceStep;
import io.sparkk8s.submission.steps.DriverVolumesStep;
import io.sparkk8s.submission.steps.ExecutorPodTemplateStep;
import io.sparkk8s.submission.steps.HadoopConfStep;
import io.sparkk8s.submission.steps.LocalDirsStep;
import io.sparkk8s.submission.steps.SparkConfConfigMapStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the configuration steps a submission needs and runs them in a plain loop. The steps that
 * every driver needs always run (base pod, labels, command, Service, local dirs, and last the
 * resolved-conf ConfigMap, which renders the conf the others produced); the others run only when the
 * request asks for what they add.
 */
public final class DriverConfigurationStepsOrchestrator {

    private final SubmissionRequest request;
    private final DriverResourceNames names;
    private final Optional<ResourceStager> stager;
    private final Map<String, String> environment;

    /**
     * @param request what to submit
     * @param names the submission's names (from its application id)
     * @param stager uploads local dependencies; empty when no staging server is configured
     * @param environment the submitter's environment ({@code HADOOP_CONF_DIR} is read from it)
     */
    public DriverConfigurationStepsOrchestrator(SubmissionRequest request, DriverResourceNames names,
        Optional<ResourceStager> stager, Map<String, String> environment) {
        this.request = request;
        this.names = names;
        this.stager = stager;
        this.environment = Map.copyOf(environment);
    }

    /** The steps for this request, in the order they run. */
    public List<DriverConfigurationStep> steps() {
        SparkConf conf = request.sparkConf();
        List<DriverConfigurationStep> steps = new ArrayList<>();
        steps.add(new BaseDriverPodStep(names, request.applicationType(),
            request.proxyUser().orElse(environment.getOrDefault("USER", System.getProperty("user.name")))));
        steps.add(new DriverLabelsStep(names.appId(), request.appName()));
        steps.add(new DriverCommandStep(request, names));
        steps.add(new DriverServiceStep(names));
        if (DriverKubernetesCredentialsStep.isNeeded(conf)) {
            steps.add(new DriverKubernetesCredentialsStep(names));
        }
        if (!conf.withPrefix(DriverSecretsStep.PREFIX).isEmpty()) {
            steps.add(new DriverSecretsStep());
        }
        if (!conf.withPrefix(DriverSecretEnvStep.PREFIX).isEmpty()) {
            steps.add(new DriverSecretEnvStep());
        }
        if (!conf.withPrefix(DriverVolumesStep.PREFIX).isEmpty()) {
            steps.add(new DriverVolumesStep(names));
        }
        steps.add(new LocalDirsStep());
        Optional<Path> hadoopConfDir = Optional.ofNullable(environment.get("HADOOP_CONF_DIR"))
            .filter(s -> !s.isBlank()).map(Path::of);
        if (conf.contains(HadoopConfStep.CONFIG_MAP_NAME) || hadoopConfDir.isPresent()) {
            steps.add(new HadoopConfStep(names, hadoopConfDir));
        }
        if (ExecutorPodTemplateStep.isNeeded(conf, request.primaryResource())) {
            // Before the dependencies are staged: a bad template must not leave uploaded bundles behind.
            steps.add(new ExecutorPodTemplateStep(names, conf, request.primaryResource()));
        }
        if (DependencyResolutionStep.isNeeded(conf, request.primaryResource())) {
            steps.add(new DependencyResolutionStep(names, request.primaryResource(), request.applicationType(),
                stager));
        }
        steps.add(new SparkConfConfigMapStep(names));
        return List.copyOf(steps);
    }

    /** Runs the steps from the initial spec (the driver pod template, if any) and returns the result. */
    public KubernetesDriverSpec buildSpec() {
        KubernetesDriverSpec spec = PodTemplates.initialSpec(request.sparkConf());
        for (DriverConfigurationStep step : steps()) {
            spec = step.configureDriver(spec);
        }
        return spec;
    }
}
