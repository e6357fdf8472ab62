package io.sparkk8s.submission.staging;

import io.sparkk8s.config.SparkConf;
import java.net.URI;

/**
 * Service-provider interface through which the CLI finds a {@link ResourceStager} implementation
 * (in streams-staging) without depending on it: implementations are listed in {@code
 * META-INF/services/io.sparkk8s.submission.staging.ResourceStagerFactory}.
 */
public interface ResourceStagerFactory {

    /**
     * A stager that uploads to {@code stagingServer}, with the TLS settings of {@code conf}
     * ({@code spark.ssl.kubernetes.resourceStagingServer.*}).
     */
    ResourceStager create(URI stagingServer, SparkConf conf);
}
