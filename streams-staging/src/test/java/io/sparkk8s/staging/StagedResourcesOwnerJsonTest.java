package io.sparkk8s.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StagedResourcesOwnerJsonTest {

    @Test
    void parsesTheOriginalProtocolsOwnerAndWritesItBack() {
        String json = "{\"ownerNamespace\":\"spark\",\"ownerLabels\":{\"spark-app-selector\":\"app-1\"},"
            + "\"ownerType\":\"Pod\"}";

        StagedResourcesOwner owner = StagedResourcesOwnerJson.parse(json);

        assertThat(owner).isEqualTo(new StagedResourcesOwner("spark", Map.of("spark-app-selector", "app-1"), "Pod"));
        assertThat(StagedResourcesOwnerJson.parse(StagedResourcesOwnerJson.toJson(owner))).isEqualTo(owner);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                                      | resourcesOwner: not valid JSON",
        "[1]                                                           | resourcesOwner: expected a JSON object",
        "{\"ownerLabels\":{\"a\":\"b\"}}                               | ownerNamespace: must be a string",
        "{\"ownerNamespace\":\"Bad_NS\",\"ownerLabels\":{\"a\":\"b\"}} | ownerNamespace: 'Bad_NS'",
        "{\"ownerNamespace\":\"ns\",\"ownerLabels\":[\"a\"]}           | ownerLabels: must be an object",
        "{\"ownerNamespace\":\"ns\",\"ownerLabels\":{}}                | ownerLabels: must name at least one",
        "{\"ownerNamespace\":\"ns\",\"ownerLabels\":{\"a\":1}}         | ownerLabels.a: must be a string",
        "{\"ownerNamespace\":\"ns\",\"ownerLabels\":{\"a\":\"b\"},\"ownerType\":\"Job\"} | ownerType: 'Job'",
    })
    void rejectsMalformedOwnersNamingTheField(String json, String message) {
        assertThatThrownBy(() -> StagedResourcesOwnerJson.parse(json))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}
