package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.SparkConf;
import java.util.List;
import java.util.Objects;

/**
 * A configuration that passed validation, and what validation noticed without refusing it.
 *
 * @param conf the configuration with every deprecated alias's value also under its current key
 *     (unless that key was set too); the aliases themselves are kept, so that older Spark versions in
 *     the driver still see them
 * @param warnings deprecated keys, unknown {@code spark.kubernetes.*} keys and the like, in key order
 */
public record ValidatedConf(SparkConf conf, List<ConfigWarning> warnings) {

    /** Copies the warnings. */
    public ValidatedConf {
        Objects.requireNonNull(conf, "conf");
        warnings = List.copyOf(warnings);
    }
}
