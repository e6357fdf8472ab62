package io.sparkk8s.staging;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/** Checksums computed on bytes as they stream by, so a blob is never read twice to verify it. */
public final class Checksums {

    private Checksums() {
    }

    /**
     * A flow that passes bytes through unchanged and materializes the lowercase hex SHA-256 of
     * everything that went through, completed when the stream completes (failed when it fails).
     * Each materialization digests on its own.
     */
    public static Flow<ByteString, ByteString, CompletionStage<String>> sha256() {
        Sink<ByteString, CompletionStage<String>> digestSink = Sink.<ByteString, CompletionStage<MessageDigest>>
            fromMaterializer((materializer, attributes) -> Sink.fold(newSha256(), Checksums::update))
            // Inline: Pekko's stages send non-async callbacks to the common pool, which with fewer than
            // three cores starts a thread per callback.
            .mapMaterializedValue(nested -> nested.thenComposeAsync(digest -> digest, Runnable::run)
                .thenApplyAsync(digest -> HexFormat.of().formatHex(digest.digest()), Runnable::run));
        return Flow.<ByteString>create().alsoToMat(digestSink, Keep.right());
    }

    /** The lowercase hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest update(MessageDigest digest, ByteString chunk) {
        for (ByteBuffer buffer : chunk.getByteBuffers()) {
            digest.update(buffer);
        }
        return digest;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
