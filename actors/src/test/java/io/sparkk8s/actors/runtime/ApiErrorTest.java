package io.sparkk8s.actors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.submission.ResourceCreationException;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApiErrorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("connection refused", new KubernetesClientException("connect",
                new ConnectException("Connection refused")), ApiError.Kind.TRANSIENT),
            Arguments.of("read timeout", new KubernetesClientException("timeout",
                new SocketTimeoutException("Read timed out")), ApiError.Kind.TRANSIENT),
            Arguments.of("reset", new java.io.UncheckedIOException(new IOException("Connection reset")),
                ApiError.Kind.TRANSIENT),
            Arguments.of("500", FakeKubernetesOperations.httpError(500, "boom", null), ApiError.Kind.TRANSIENT),
            Arguments.of("503", FakeKubernetesOperations.httpError(503, "unavailable", null), ApiError.Kind.TRANSIENT),
            Arguments.of("504", FakeKubernetesOperations.httpError(504, "gateway", null), ApiError.Kind.TRANSIENT),
            Arguments.of("408", FakeKubernetesOperations.httpError(408, "timeout", null), ApiError.Kind.TRANSIENT),
            Arguments.of("429", FakeKubernetesOperations.httpError(429, "slow down", 3), ApiError.Kind.THROTTLED),
            Arguments.of("422", FakeKubernetesOperations.httpError(422, "invalid", null), ApiError.Kind.PERMANENT),
            Arguments.of("403", FakeKubernetesOperations.httpError(403, "forbidden", null), ApiError.Kind.PERMANENT),
            Arguments.of("409", FakeKubernetesOperations.httpError(409, "exists", null), ApiError.Kind.PERMANENT),
            Arguments.of("404", FakeKubernetesOperations.httpError(404, "no namespace", null),
                ApiError.Kind.PERMANENT),
            Arguments.of("bad conf", new SubmissionConfigurationException("spark.x", "bad"), ApiError.Kind.PERMANENT),
            Arguments.of("bug", new IllegalStateException("bug"), ApiError.Kind.PERMANENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifiesByTheFirstStatusOrIoFailureInTheCauseChain(String name, RuntimeException error,
        ApiError.Kind kind) {
        ResourceCreationException wrapped = new ResourceCreationException("creating Pod ns/p failed: "
            + error.getMessage(), error);

        assertThat(ApiError.classify(error).kind()).isEqualTo(kind);
        assertThat(ApiError.classify(wrapped).kind()).isEqualTo(kind);
        assertThat(ApiError.classify(wrapped).message()).isEqualTo(wrapped.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onlyA429CarriesTheServersRetryAfter(String name, RuntimeException error, ApiError.Kind kind) {
        assertThat(ApiError.classify(error).retryAfter())
            .isEqualTo(kind == ApiError.Kind.THROTTLED ? Optional.of(Duration.ofSeconds(3)) : Optional.empty());
    }
}
