package io.sparkk8s.config;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable set of Spark configuration properties ({@code spark.*} keys to string values), the
 * resolved form of {@code --conf} options and the properties file.
 *
 * <p>Every "modification" returns a new instance; the iteration order of {@link #asMap()} is the
 * keys' natural order so that anything rendered from a conf (properties files, YAML) is stable.
 */
public final class SparkConf {

    private static final SparkConf EMPTY = new SparkConf(new TreeMap<>());

    private final NavigableMap<String, String> entries;

    private SparkConf(TreeMap<String, String> entries) {
        this.entries = Collections.unmodifiableNavigableMap(entries);
    }

    /** The conf with no entries. */
    public static SparkConf empty() {
        return EMPTY;
    }

    /** A conf holding a copy of {@code entries}; null keys or values are rejected. */
    public static SparkConf of(Map<String, String> entries) {
        TreeMap<String, String> copy = new TreeMap<>();
        entries.forEach((k, v) -> copy.put(requireKey(k), requireValue(k, v)));
        return new SparkConf(copy);
    }

    /** The value of {@code key}, if set. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Whether {@code key} is set. */
    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** A conf equal to this one with {@code key} set to {@code value}. */
    public SparkConf with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(entries);
        copy.put(requireKey(key), requireValue(key, value));
        return new SparkConf(copy);
    }

    /** A conf equal to this one with every entry of {@code other} set on top (other wins). */
    public SparkConf withAll(Map<String, String> other) {
        TreeMap<String, String> copy = new TreeMap<>(entries);
        other.forEach((k, v) -> copy.put(requireKey(k), requireValue(k, v)));
        return new SparkConf(copy);
    }

    /** A conf equal to this one without {@code key}. */
    public SparkConf without(String key) {
        if (!entries.containsKey(key)) {
            return this;
        }
        TreeMap<String, String> copy = new TreeMap<>(entries);
        copy.remove(key);
        return new SparkConf(copy);
    }

    /**
     * The entries whose key starts with {@code prefix}, keyed by the rest of the key: with prefix
     * {@code spark.kubernetes.driver.label.}, {@code spark.kubernetes.driver.label.team=a} becomes
     * {@code team=a}. Keys equal to the prefix itself are left out.
     */
    public Map<String, String> withPrefix(String prefix) {
        TreeMap<String, String> result = new TreeMap<>();
        entries.tailMap(prefix, true).forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                result.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(result);
    }

    /** All entries, sorted by key, unmodifiable. */
    public Map<String, String> asMap() {
        return entries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkConf other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "SparkConf" + entries;
    }

    private static String requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("configuration key must not be null or blank");
        }
        return key;
    }

    private static String requireValue(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("configuration key " + key + " has a null value");
        }
        return value;
    }
}
