package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.util.List;

/** What every entry of the {@link ConfigCatalogue} says about itself, for lookup, validation and docs. */
public sealed interface CatalogueEntry permits ConfigEntry, PrefixedConfigEntry {

    /** The key, or for a family of keys the common prefix ending in a dot. */
    String key();

    /** The key as documented, e.g. {@code spark.kubernetes.driver.label.[LabelName]}. */
    String displayKey();

    /** What the key does. */
    String doc();

    /** The Spark version the key appeared in, or this project's version for keys of our own. */
    String since();

    /** The default as documented, e.g. {@code 1g} or {@code (none)}. */
    String defaultDescription();

    /** The documentation group. */
    Section section();

    /** Older names still accepted, with a warning. */
    List<String> deprecatedAliases();

    /** Every problem with the value(s) of this entry in {@code conf}; empty when unset or valid. */
    List<InvalidConfigurationException> problems(SparkConf conf);
}
