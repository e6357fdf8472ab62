package io.sparkk8s.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkConfTest {

    @Test
    void withReturnsANewConfAndLeavesTheOriginalUnchanged() {
        SparkConf original = SparkConf.of(Map.of("spark.app.name", "a"));

        SparkConf changed = original.with("spark.app.name", "b").with("spark.driver.cores", "2");

        assertThat(original.asMap()).containsExactly(Map.entry("spark.app.name", "a"));
        assertThat(changed.get("spark.app.name")).contains("b");
        assertThat(changed.get("spark.driver.cores")).contains("2");
    }

    @Test
    void withAllLetsTheArgumentWin() {
        SparkConf defaults = SparkConf.of(Map.of("k1", "file", "k2", "file"));

        SparkConf merged = defaults.withAll(Map.of("k2", "cli"));

        assertThat(merged.asMap()).containsExactly(Map.entry("k1", "file"), Map.entry("k2", "cli"));
    }

    @Test
    void withPrefixStripsThePrefixAndIgnoresNeighbours() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.driver.label.team", "data",
            "spark.kubernetes.driver.label.tier", "batch",
            "spark.kubernetes.driver.label.", "ignored",
            "spark.kubernetes.driver.labelx", "other",
            "spark.kubernetes.driver.annotation.a", "b"));

        assertThat(conf.withPrefix("spark.kubernetes.driver.label."))
            .containsExactly(Map.entry("team", "data"), Map.entry("tier", "batch"));
    }

    @Test
    void iteratesInKeyOrderSoRenderedOutputIsStable() {
        SparkConf conf = SparkConf.empty().with("b", "2").with("a", "1").with("c", "3");

        assertThat(conf.asMap().keySet()).containsExactly("a", "b", "c");
    }

    @Test
    void withoutRemovesOnlyThatKey() {
        SparkConf conf = SparkConf.of(Map.of("a", "1", "b", "2"));

        assertThat(conf.without("a").asMap()).containsExactly(Map.entry("b", "2"));
        assertThat(conf.without("missing")).isSameAs(conf);
    }

    @Test
    void rejectsNullValuesNamingTheKey() {
        assertThatThrownBy(() -> SparkConf.empty().with("spark.app.name", null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("spark.app.name");
    }

    @Test
    void equalityIsByContent() {
        assertThat(SparkConf.of(Map.of("a", "1"))).isEqualTo(SparkConf.empty().with("a", "1"));
    }
}
