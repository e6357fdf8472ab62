package io.sparkk8s.submission;

import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Requests and names for tests. */
public final class Fixtures {

    /** A fixed application id. */
    public static final String APP_ID = "spark-0123456789abcdef0123456789abcdef";

    private Fixtures() {
    }

    /** A Java request for the Spark Pi example with {@code conf} on top of an image. */
    public static SubmissionRequest javaRequest(Map<String, String> conf) {
        return request("local:///opt/spark/examples/jars/spark-examples.jar", Optional.of(
            "org.apache.spark.examples.SparkPi"), conf);
    }

    /** A request for {@code primaryResource}, with an image set unless {@code conf} sets one. */
    public static SubmissionRequest request(String primaryResource, Optional<String> mainClass,
        Map<String, String> conf) {
        SparkConf sparkConf = SparkConf.of(Map.of("spark.kubernetes.container.image", "apache/spark:3.5.1",
            "spark.app.name", "spark-pi")).withAll(conf);
        return new SubmissionRequest(KubernetesMasterUrl.parse("k8s://https://127.0.0.1:6443"), mainClass,
            "spark-pi", primaryResource, List.of("100"), sparkConf, Optional.empty(), false);
    }

    /** The names of {@link #APP_ID} for {@code request}. */
    public static DriverResourceNames names(SubmissionRequest request) {
        return DriverResourceNames.of(APP_ID, request.appName(), request.sparkConf());
    }
}
