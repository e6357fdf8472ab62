package io.sparkk8s.submission.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code POST /v1/submissions} (the {@code SubmissionRequest} schema of the daemon's
 * OpenAPI document): the parts of a spark-submit command line. Every field but {@code primaryResource}
 * may be {@code null}. Dependencies must be remote ({@code local://} in the image, {@code http(s)://},
 * {@code hdfs://}, {@code s3a://}, ...): the daemon refuses paths on its own machine.
 *
 * @param name {@code --name}
 * @param namespace {@code spark.kubernetes.namespace}
 * @param mainClass {@code --class}
 * @param primaryResource the application jar, {@code .py} or {@code .R}
 * @param args the application's arguments
 * @param jars {@code --jars}
 * @param files {@code --files}
 * @param pyFiles {@code --py-files}
 * @param archives {@code --archives}
 * @param driverMemory {@code --driver-memory}
 * @param driverCores {@code --driver-cores}
 * @param executorMemory {@code --executor-memory}
 * @param executorCores {@code --executor-cores}
 * @param numExecutors {@code --num-executors}
 * @param conf {@code --conf} entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DaemonSubmissionRequest(String name, String namespace, String mainClass, String primaryResource,
    List<String> args, List<String> jars, List<String> files, List<String> pyFiles, List<String> archives,
    String driverMemory, String driverCores, String executorMemory, String executorCores, String numExecutors,
    Map<String, String> conf) {

    /** A request for {@code primaryResource} alone, every other field {@code null} (the daemon's defaults). */
    public static DaemonSubmissionRequest of(String primaryResource) {
        return new DaemonSubmissionRequest(null, null, null, primaryResource, null, null, null, null, null, null,
            null, null, null, null, null);
    }
}
