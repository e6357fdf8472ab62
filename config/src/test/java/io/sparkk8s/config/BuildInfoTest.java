package io.sparkk8s.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void reportsTheVersionTheBuildFilteredIn() {
        BuildInfo info = BuildInfo.current();

        assertThat(info.version()).isNotBlank().doesNotContain("${").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.describe()).startsWith("spark-k8s-submit " + info.version());
    }
}
