package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A family of keys that share a prefix and end in a name the user chooses, read as a map from that
 * name to the value: {@code spark.kubernetes.driver.label.team=data} is the label {@code team=data}.
 *
 * <p>Some families had a single list-valued key in the original design, e.g.
 * {@code spark.kubernetes.driver.labels=team=data,tier=batch}; such a key is a deprecated list alias
 * and its pairs are read as if given one by one (the prefixed keys win).
 */
public final class PrefixedConfigEntry implements CatalogueEntry {

    private final String prefix;
    private final String placeholder;
    private final String doc;
    private final String since;
    private final Section section;
    private final List<String> listAliases;
    private final BiFunction<String, String, Optional<String>> rule;
    private final Function<Map<String, String>, Optional<String>> wholeRule;

    private PrefixedConfigEntry(Builder b) {
        if (!b.prefix.endsWith(".")) {
            throw new IllegalArgumentException(b.prefix + ": a prefix ends with '.'");
        }
        this.prefix = b.prefix;
        this.placeholder = Objects.requireNonNull(b.placeholder, () -> b.prefix + ": placeholder is required");
        this.doc = Objects.requireNonNull(b.doc, () -> b.prefix + ": doc is required");
        this.since = Objects.requireNonNull(b.since, () -> b.prefix + ": since is required");
        this.section = Objects.requireNonNull(b.section, () -> b.prefix + ": section is required");
        this.listAliases = List.copyOf(b.listAliases);
        this.rule = b.rule;
        this.wholeRule = b.wholeRule;
    }

    /** Starts a family of keys under {@code prefix} (ending with a dot). */
    public static Builder prefix(String prefix) {
        return new Builder(prefix);
    }

    @Override
    public String key() {
        return prefix;
    }

    @Override
    public String displayKey() {
        return prefix + "[" + placeholder + "]";
    }

    @Override
    public String doc() {
        return doc;
    }

    @Override
    public String since() {
        return since;
    }

    @Override
    public String defaultDescription() {
        return "(none)";
    }

    @Override
    public Section section() {
        return section;
    }

    @Override
    public List<String> deprecatedAliases() {
        return listAliases;
    }

    /** Whether {@code key} belongs to this family (starts with the prefix and has a name after it). */
    public boolean matches(String key) {
        return key.startsWith(prefix) && key.length() > prefix.length();
    }

    /**
     * The names and values of the family in {@code conf}, sorted by name. Pairs from a deprecated
     * list alias come first and are overridden by prefixed keys.
     *
     * @throws InvalidConfigurationException naming the key when a pair breaks the family's rule
     */
    public Map<String, String> get(SparkConf conf) {
        List<InvalidConfigurationException> problems = problems(conf);
        if (!problems.isEmpty()) {
            throw InvalidConfigurationException.combine(problems);
        }
        return read(conf);
    }

    private Map<String, String> read(SparkConf conf) {
        TreeMap<String, String> result = new TreeMap<>();
        for (String alias : listAliases) {
            conf.get(alias).ifPresent(list -> result.putAll(parseList(alias, list)));
        }
        result.putAll(conf.withPrefix(prefix));
        return Collections.unmodifiableMap(result);
    }

    @Override
    public List<InvalidConfigurationException> problems(SparkConf conf) {
        List<InvalidConfigurationException> problems = new ArrayList<>();
        for (String alias : listAliases) {
            conf.get(alias).ifPresent(list -> {
                try {
                    parseList(alias, list).forEach((name, value) -> rule.apply(name, value)
                        .ifPresent(p -> problems.add(new InvalidConfigurationException(alias, p))));
                } catch (InvalidConfigurationException e) {
                    problems.add(e);
                }
            });
        }
        conf.withPrefix(prefix).forEach((name, value) -> rule.apply(name, value)
            .ifPresent(p -> problems.add(new InvalidConfigurationException(prefix + name, p))));
        if (problems.isEmpty()) {
            wholeRule.apply(read(conf))
                .ifPresent(p -> problems.add(new InvalidConfigurationException(displayKey(), p)));
        }
        return problems;
    }

    private static Map<String, String> parseList(String alias, String list) {
        TreeMap<String, String> pairs = new TreeMap<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(pair -> {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new InvalidConfigurationException(alias, "'" + pair + "' is not a name=value pair; expected"
                    + " a comma-separated list such as name1=value1,name2=value2");
            }
            pairs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        });
        return pairs;
    }

    @Override
    public String toString() {
        return displayKey();
    }

    /** Builds a family; placeholder, doc, since and section are required. */
    public static final class Builder {
        private final String prefix;
        private String placeholder;
        private String doc;
        private String since;
        private Section section;
        private final List<String> listAliases = new ArrayList<>();
        private BiFunction<String, String, Optional<String>> rule = (name, value) -> Optional.empty();
        private Function<Map<String, String>, Optional<String>> wholeRule = all -> Optional.empty();

        private Builder(String prefix) {
            this.prefix = prefix;
        }

        /** The name of the user's part in the docs, e.g. {@code LabelName}. */
        public Builder placeholder(String text) {
            this.placeholder = text;
            return this;
        }

        /** What the keys do. */
        public Builder doc(String text) {
            this.doc = text;
            return this;
        }

        /** The Spark version the family appeared in, or this project's version. */
        public Builder since(String version) {
            this.since = version;
            return this;
        }

        /** The documentation group. */
        public Builder section(Section s) {
            this.section = s;
            return this;
        }

        /** A single key of the original design holding {@code name=value,...}; deprecated. */
        public Builder deprecatedListAlias(String key) {
            listAliases.add(key);
            return this;
        }

        /** A rule every (name, value) pair must follow: returns the problem or empty. */
        public Builder rule(BiFunction<String, String, Optional<String>> pairRule) {
            this.rule = pairRule;
            return this;
        }

        /** A rule the whole map must follow (e.g. a size limit): returns the problem or empty. */
        public Builder wholeRule(Function<Map<String, String>, Optional<String>> mapRule) {
            this.wholeRule = mapRule;
            return this;
        }

        /** Builds the family. */
        public PrefixedConfigEntry build() {
            return new PrefixedConfigEntry(this);
        }
    }
}
