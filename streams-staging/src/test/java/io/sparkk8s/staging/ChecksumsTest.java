package io.sparkk8s.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    private static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("checksums-test");
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void digestOfChunkedStreamEqualsDigestOfWholeInputAndBytesPassUnchanged() throws Exception {
        List<ByteString> chunks = List.of(ByteString.fromString("hello "), ByteString.emptyByteString(),
            ByteString.fromString("staging "), ByteString.fromString("world"));

        Pair<CompletionStage<String>, CompletionStage<ByteString>> result = Source.from(chunks)
            .viaMat(Checksums.sha256(), Keep.right())
            .toMat(Sink.fold(ByteString.emptyByteString(), ByteString::concat), Keep.both())
            .run(system);

        String expected = Checksums.sha256Hex("hello staging world".getBytes(StandardCharsets.UTF_8));
        assertThat(result.second().toCompletableFuture().get(5, TimeUnit.SECONDS).utf8String())
            .isEqualTo("hello staging world");
        assertThat(result.first().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(expected);
    }

    @Test
    void eachMaterializationDigestsOnItsOwn() throws Exception {
        var flow = Checksums.sha256();

        String first = Source.single(ByteString.fromString("a")).viaMat(flow, Keep.right())
            .to(Sink.ignore()).run(system).toCompletableFuture().get(5, TimeUnit.SECONDS);
        String second = Source.single(ByteString.fromString("a")).viaMat(flow, Keep.right())
            .to(Sink.ignore()).run(system).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(first).isEqualTo(second).isEqualTo(Checksums.sha256Hex("a".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void knownVectorOfEmptyInput() {
        assertThat(Checksums.sha256Hex(new byte[0]))
            .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void failedUpstreamFailsTheDigest() {
        CompletionStage<String> digest = Source.<ByteString>failed(new IllegalStateException("disk gone"))
            .viaMat(Checksums.sha256(), Keep.right()).to(Sink.ignore()).run(system);

        assertThat(digest).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
            .withMessageContaining("disk gone");
    }
}
