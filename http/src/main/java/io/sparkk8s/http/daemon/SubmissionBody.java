package io.sparkk8s.http.daemon;

import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code POST /v1/submissions}: the parts of a spark-submit command line. Every
 * field but {@code primaryResource} is optional; unknown fields are refused. Dependencies must be
 * remote ({@code local://}, {@code http(s)://}, {@code hdfs://}, {@code s3a://}, ...): paths on the
 * daemon's machine are refused.
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
public record SubmissionBody(String name, String namespace, String mainClass, String primaryResource,
    List<String> args, List<String> jars, List<String> files, List<String> pyFiles, List<String> archives,
    String driverMemory, String driverCores, String executorMemory, String executorCores, String numExecutors,
    Map<String, String> conf) {
}
