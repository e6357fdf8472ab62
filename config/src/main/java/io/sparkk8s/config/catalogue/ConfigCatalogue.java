package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.validation.ClosestMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every configuration key this project reads, with the rules to validate a whole configuration
 * before anything is sent to a cluster. See {@code docs/configuration.md}, generated from it.
 */
public final class ConfigCatalogue {

    /** The "since" version of keys of our own. */
    public static final String OWN_KEYS_SINCE = "0.1.0 (spark-k8s-submit)";

    /** Key prefixes that are ours to check: a key under them that is not in the catalogue gets a warning. */
    public static final List<String> CHECKED_PREFIXES = List.of("spark.kubernetes.", "spark.ssl.kubernetes.");

    private static final ConfigCatalogue STANDARD = new ConfigCatalogue(Stream.of(SparkKeys.ALL, KubernetesKeys.ALL,
        AuthenticationKeys.ALL, PodMetadataKeys.ALL, StagingKeys.ALL, InitContainerKeys.ALL)
        .flatMap(List::stream).toList());

    private final List<CatalogueEntry> entries;
    private final Map<String, ConfigEntry<?>> byKey = new LinkedHashMap<>();
    private final Map<String, List<CatalogueEntry>> byAlias = new LinkedHashMap<>();
    private final List<PrefixedConfigEntry> prefixed = new ArrayList<>();

    private ConfigCatalogue(List<CatalogueEntry> entries) {
        this.entries = List.copyOf(entries);
        for (CatalogueEntry entry : entries) {
            if (entry instanceof ConfigEntry<?> single) {
                if (byKey.put(single.key(), single) != null) {
                    throw new IllegalStateException("key listed twice: " + single.key());
                }
            } else if (entry instanceof PrefixedConfigEntry family) {
                prefixed.add(family);
            }
            entry.deprecatedAliases().forEach(a -> byAlias.computeIfAbsent(a, k -> new ArrayList<>()).add(entry));
        }
    }

    /** The catalogue of everything this project reads. */
    public static ConfigCatalogue standard() {
        return STANDARD;
    }

    /** All entries, in documentation order. */
    public List<CatalogueEntry> entries() {
        return entries;
    }

    /** The entry {@code key} belongs to: its own, a family whose prefix it has, or the one it is an alias of. */
    public Optional<CatalogueEntry> find(String key) {
        ConfigEntry<?> single = byKey.get(key);
        if (single != null) {
            return Optional.of(single);
        }
        for (PrefixedConfigEntry family : prefixed) {
            if (family.matches(key)) {
                return Optional.of(family);
            }
        }
        List<CatalogueEntry> aliased = byAlias.get(key);
        return aliased == null ? Optional.empty() : Optional.of(aliased.get(0));
    }

    /** Whether {@code key} is a deprecated name. */
    public boolean isDeprecated(String key) {
        return byAlias.containsKey(key);
    }

    /**
     * The known key closest to {@code key} when it looks like a typo of one, e.g.
     * {@code spark.kubernetes.namespace} for {@code spark.kubernetes.namspace}, or
     * {@code spark.kubernetes.driver.label.team} for {@code spark.kubernetes.driver.lable.team}.
     */
    public Optional<String> closestKey(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : byKey.keySet()) {
            int d = ClosestMatch.distance(key, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        for (PrefixedConfigEntry family : prefixed) {
            int[] match = ClosestMatch.prefixDistance(key, family.key());
            String rest = key.substring(match[1]);
            if (match[0] < bestDistance && !rest.isEmpty()) {
                best = family.key() + rest;
                bestDistance = match[0];
            }
        }
        return bestDistance <= ClosestMatch.plausibleTypoDistance(key) ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Checks {@code conf} against every entry and the rules between keys.
     *
     * @return the configuration with deprecated aliases also under their current keys, and the
     *     warnings: deprecated keys, unknown {@code spark.kubernetes.*} keys (with the closest known key)
     * @throws InvalidConfigurationException listing every problem, each naming the key, the value and
     *     what would be valid
     */
    public ValidatedConf validate(SparkConf conf) {
        List<InvalidConfigurationException> problems = new ArrayList<>();
        for (CatalogueEntry entry : entries) {
            problems.addAll(entry.problems(conf));
        }
        problems.addAll(crossKeyProblems(conf));
        if (!problems.isEmpty()) {
            throw InvalidConfigurationException.combine(problems);
        }
        Map<String, ConfigWarning> warnings = new TreeMap<>();
        SparkConf resolved = resolveAliases(conf, warnings);
        for (String key : conf.asMap().keySet()) {
            boolean checked = CHECKED_PREFIXES.stream().anyMatch(key::startsWith);
            if (checked && find(key).isEmpty()) {
                String hint = closestKey(key).map(k -> "; did you mean " + k + "?")
                    .orElse("; it is passed on to Spark unchanged (fine if your Spark version reads it)");
                warnings.put(key, new ConfigWarning(key, "not a known configuration key" + hint));
            }
        }
        return new ValidatedConf(resolved, List.copyOf(warnings.values()));
    }

    private SparkConf resolveAliases(SparkConf conf, Map<String, ConfigWarning> warnings) {
        Map<String, String> added = new TreeMap<>();
        byAlias.forEach((alias, aliasOf) -> conf.get(alias).ifPresent(value -> {
            List<String> current = new ArrayList<>();
            List<String> ignoredFor = new ArrayList<>();
            for (CatalogueEntry entry : aliasOf) {
                if (entry instanceof ConfigEntry<?> single) {
                    current.add(single.key());
                    if (conf.contains(single.key())) {
                        ignoredFor.add(single.key());
                    } else if (!added.containsKey(single.key())) {
                        added.put(single.key(), value);
                    }
                } else if (entry instanceof PrefixedConfigEntry family) {
                    current.add(family.displayKey() + " keys, one per name");
                    family.get(SparkConf.empty().with(alias, value)).forEach((name, v) -> {
                        if (!conf.contains(family.key() + name)) {
                            added.put(family.key() + name, v);
                        }
                    });
                }
            }
            String message = "deprecated; use " + String.join(" and ", current)
                + (ignoredFor.isEmpty() ? "" : " (ignored here because " + String.join(" and ", ignoredFor)
                + (ignoredFor.size() == 1 ? " is" : " are") + " set too)");
            warnings.put(alias, new ConfigWarning(alias, message));
        }));
        return conf.withAll(added);
    }

    private static List<InvalidConfigurationException> crossKeyProblems(SparkConf conf) {
        List<InvalidConfigurationException> problems = new ArrayList<>();
        for (String who : List.of("submission", "driver")) {
            String token = "spark.kubernetes.authenticate." + who + ".oauthToken";
            String tokenFile = token + "File";
            boolean tokenSet = conf.contains(token) || who.equals("submission")
                && conf.contains("spark.kubernetes.submit.oauthToken");
            if (tokenSet && conf.contains(tokenFile)) {
                problems.add(new InvalidConfigurationException(tokenFile, "set together with " + token
                    + "; give the token one way only (the file is safer: a value on the command line is visible to"
                    + " other users)"));
            }
        }
        return problems;
    }
}
