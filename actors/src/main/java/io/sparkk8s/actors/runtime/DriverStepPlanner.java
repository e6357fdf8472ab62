package io.sparkk8s.actors.runtime;

import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverConfigurationStepsOrchestrator;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.staging.ResourceStager;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Picks the configuration steps of a submission; each becomes one step actor of its chain. */
@FunctionalInterface
public interface DriverStepPlanner {

    /** The steps for {@code request}, whose objects get {@code names}, in the order they run. */
    List<DriverConfigurationStep> steps(SubmissionRequest request, DriverResourceNames names);

    /** The orchestrator's choice, as the CLI makes it. */
    static DriverStepPlanner orchestrator(Optional<ResourceStager> stager, Map<String, String> environment) {
        return (request, names) -> new DriverConfigurationStepsOrchestrator(request, names, stager, environment)
            .steps();
    }
}
