package io.sparkk8s.config.catalogue;

import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key: its name, how its value is read, its default, its documentation, the
 * version it appeared in, the older names it replaces and the rules its value must follow.
 *
 * <p>Reading a key looks at the key itself, then at its deprecated aliases in order, then at the
 * entry it falls back to (e.g. the driver image falls back to {@code spark.kubernetes.container.image}),
 * then at the default:
 * <pre>{@code
 * long driverMemoryMiB = SparkKeys.DRIVER_MEMORY.get(conf);
 * Optional<String> image = KubernetesKeys.DRIVER_CONTAINER_IMAGE.find(conf);
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class ConfigEntry<T> implements CatalogueEntry {

    private final String key;
    private final ValueType<T> type;
    private final String defaultValue;
    private final ConfigEntry<T> fallback;
    private final String defaultDescription;
    private final String doc;
    private final String since;
    private final Section section;
    private final List<String> deprecatedAliases;
    private final List<Check<? super T>> checks;

    private ConfigEntry(Builder<T> b) {
        this.key = b.key;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.fallback = b.fallback;
        this.doc = Objects.requireNonNull(b.doc, () -> b.key + ": doc is required");
        this.since = Objects.requireNonNull(b.since, () -> b.key + ": since is required");
        this.section = Objects.requireNonNull(b.section, () -> b.key + ": section is required");
        this.deprecatedAliases = List.copyOf(b.aliases);
        this.checks = List.copyOf(b.checks);
        if (b.defaultDescription != null) {
            this.defaultDescription = b.defaultDescription;
        } else if (defaultValue != null) {
            this.defaultDescription = defaultValue;
        } else if (fallback != null) {
            this.defaultDescription = "(value of " + fallback.key + ")";
        } else {
            this.defaultDescription = "(none)";
        }
        if (defaultValue != null) {
            // A default that does not parse or pass the checks is a bug in the catalogue: fail at class init.
            T parsed = type.parse(defaultValue);
            checks.forEach(c -> c.problem(parsed).ifPresent(p -> {
                throw new IllegalStateException(key + ": default " + p);
            }));
        }
    }

    /** Starts an entry for {@code key}. */
    public static UntypedBuilder key(String key) {
        return new UntypedBuilder(key);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String displayKey() {
        return key;
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
        return defaultDescription;
    }

    @Override
    public Section section() {
        return section;
    }

    @Override
    public List<String> deprecatedAliases() {
        return deprecatedAliases;
    }

    /** How values are read. */
    public ValueType<T> type() {
        return type;
    }

    /** The entry whose value is used when this one is not set, if any. */
    public Optional<ConfigEntry<T>> fallback() {
        return Optional.ofNullable(fallback);
    }

    /**
     * The key and raw value that decide this entry in {@code conf}: the key itself, else the first
     * deprecated alias that is set, else the fallback entry's; empty when none is set (the default
     * then applies).
     */
    public Optional<Map.Entry<String, String>> source(SparkConf conf) {
        Optional<String> own = conf.get(key);
        if (own.isPresent()) {
            return Optional.of(Map.entry(key, own.get()));
        }
        for (String alias : deprecatedAliases) {
            Optional<String> value = conf.get(alias);
            if (value.isPresent()) {
                return Optional.of(Map.entry(alias, value.get()));
            }
        }
        return fallback == null ? Optional.empty() : fallback.source(conf);
    }

    /**
     * The value in {@code conf} (see the class comment for the order of lookup), or the default;
     * empty when neither is there.
     *
     * @throws InvalidConfigurationException naming the key that was read when its value cannot be
     *     read or breaks a rule
     */
    public Optional<T> find(SparkConf conf) {
        Optional<Map.Entry<String, String>> source = source(conf);
        if (source.isPresent()) {
            return Optional.of(read(source.get().getKey(), source.get().getValue()));
        }
        if (defaultValue != null) {
            return Optional.of(type.parse(defaultValue));
        }
        return fallback == null ? Optional.empty() : fallback.find(conf);
    }

    /**
     * The value in {@code conf} or the default.
     *
     * @throws InvalidConfigurationException naming the key when it has no value and no default, or
     *     when its value cannot be read or breaks a rule
     */
    public T get(SparkConf conf) {
        return find(conf).orElseThrow(() -> new InvalidConfigurationException(key, "is required but not set; "
            + doc));
    }

    /**
     * Reads {@code raw} as the value of this entry given under {@code sourceKey}.
     *
     * @throws InvalidConfigurationException naming {@code sourceKey}
     */
    public T read(String sourceKey, String raw) {
        T value;
        try {
            value = type.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(sourceKey, e.getMessage());
        }
        for (Check<? super T> check : checks) {
            Optional<String> problem = check.problem(value);
            if (problem.isPresent()) {
                throw new InvalidConfigurationException(sourceKey, problem.get().replace("'" + value + "'",
                    "'" + raw + "'"));
            }
        }
        return value;
    }

    @Override
    public List<InvalidConfigurationException> problems(SparkConf conf) {
        List<InvalidConfigurationException> problems = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        keys.add(key);
        keys.addAll(deprecatedAliases);
        for (String k : keys) {
            conf.get(k).ifPresent(raw -> {
                try {
                    read(k, raw);
                } catch (InvalidConfigurationException e) {
                    problems.add(e);
                }
            });
        }
        return problems;
    }

    @Override
    public String toString() {
        return key;
    }

    /** First step of building an entry: the key is known, the type not yet. */
    public static final class UntypedBuilder {
        private final String key;

        private UntypedBuilder(String key) {
            this.key = key;
        }

        /** Sets how values are read. */
        public <T> Builder<T> type(ValueType<T> type) {
            return new Builder<>(key, type);
        }

        /** Shorthand for {@code type(ValueType.string())}. */
        public Builder<String> string() {
            return type(ValueType.string());
        }
    }

    /**
     * Builds an entry; {@link #doc}, {@link #since} and {@link #section} are required.
     *
     * @param <T> the type of the value
     */
    public static final class Builder<T> {
        private final String key;
        private final ValueType<T> type;
        private String defaultValue;
        private ConfigEntry<T> fallback;
        private String defaultDescription;
        private String doc;
        private String since;
        private Section section;
        private final List<String> aliases = new ArrayList<>();
        private final List<Check<? super T>> checks = new ArrayList<>();

        private Builder(String key, ValueType<T> type) {
            this.key = key;
            this.type = type;
        }

        /** What the key does, one or two sentences. */
        public Builder<T> doc(String text) {
            this.doc = text;
            return this;
        }

        /** The Spark version the key appeared in, or this project's version for our own keys. */
        public Builder<T> since(String version) {
            this.since = version;
            return this;
        }

        /** The documentation group. */
        public Builder<T> section(Section s) {
            this.section = s;
            return this;
        }

        /** An older name still accepted, with a warning. */
        public Builder<T> deprecatedAlias(String alias) {
            aliases.add(alias);
            return this;
        }

        /** A rule values must follow. */
        public Builder<T> check(Check<? super T> check) {
            checks.add(check);
            return this;
        }

        /** How the default is documented when it is computed rather than a constant. */
        public Builder<T> defaultDescription(String text) {
            this.defaultDescription = text;
            return this;
        }

        /** Builds an entry whose default is {@code value} (in the same syntax users write). */
        public ConfigEntry<T> withDefault(String value) {
            this.defaultValue = value;
            return new ConfigEntry<>(this);
        }

        /** Builds an entry whose default is the value of {@code other}. */
        public ConfigEntry<T> fallingBackTo(ConfigEntry<T> other) {
            this.fallback = other;
            return new ConfigEntry<>(this);
        }

        /** Builds an entry without default. */
        public ConfigEntry<T> optional() {
            return new ConfigEntry<>(this);
        }
    }
}
