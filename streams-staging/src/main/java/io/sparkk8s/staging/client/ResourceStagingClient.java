package io.sparkk8s.staging.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkk8s.staging.Checksums;
import io.sparkk8s.staging.PlainStages;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.tar.ExtractionLimits;
import io.sparkk8s.staging.tar.Extracted;
import io.sparkk8s.staging.tar.SafeTarExtraction;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Talks to a resource staging server over the Pekko HTTP client: streams a bundle up as a chunked
 * request body (the {@code /api/v1} raw upload), and streams one down, verifying it against the
 * SHA-256 the server declares. Over {@code https://} it verifies the server with the given
 * {@link SSLContext} (built with {@link io.sparkk8s.staging.tls.StagingTls}) or the JVM's defaults.
 */
public final class ResourceStagingClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final Duration STRICT_TIMEOUT = Duration.ofSeconds(30);

    private final Http http;
    private final Materializer materializer;
    private final Executor dispatcher;
    private final String base;
    private final Optional<HttpsConnectionContext> https;

    /**
     * A client of the server at {@code baseUri} ({@code http://host:port} or {@code https://...}).
     *
     * @param tls how to verify an https server; empty for the JVM's default trust
     */
    public ResourceStagingClient(ClassicActorSystemProvider system, URI baseUri, Optional<SSLContext> tls) {
        String scheme = baseUri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("spark.kubernetes.resourceStagingServer.uri: '" + baseUri
                + "' must start with http:// or https://");
        }
        this.http = Http.get(system.classicSystem());
        this.materializer = Materializer.matFromSystem(system);
        this.dispatcher = system.classicSystem().dispatcher();
        String text = baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.https = tls.map(ConnectionContext::httpsClient);
    }

    /** Uploads {@code bundle} (streamed, chunked) owned by {@code owner}; completes once the server stored it. */
    public CompletionStage<SubmittedResourceIdAndSecret> upload(Source<ByteString, ?> bundle,
        StagedResourcesOwner owner) {
        return upload(bundle, -1, owner);
    }

    /**
     * Uploads {@code bundle} (streamed) owned by {@code owner}: with {@code length} ≥ 0 as a request of that
     * {@code Content-Length} (a bundle that ends up shorter or longer fails the upload, and the server stores
     * nothing), with a negative {@code length} chunked. Completes once the server stored it.
     */
    public CompletionStage<SubmittedResourceIdAndSecret> upload(Source<ByteString, ?> bundle, long length,
        StagedResourcesOwner owner) {
        StringBuilder query = new StringBuilder("?ownerNamespace=").append(encode(owner.ownerNamespace()));
        new TreeMap<>(owner.ownerLabels()).forEach((k, v) -> query.append("&ownerLabel=").append(encode(k + "=" + v)));
        HttpRequest request = HttpRequest.POST(base + "/api/v1/resources" + query)
            .withEntity(length >= 0 ? HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, length, bundle)
                : HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, bundle));
        return send(request).thenCompose(response -> {
            if (response.status().intValue() != 201) {
                return failure(response, "upload");
            }
            return plain(response.entity().toStrict(STRICT_TIMEOUT.toMillis(), materializer)).thenApply(strict -> {
                try {
                    JsonNode body = JSON.readTree(strict.getData().toArray());
                    return new SubmittedResourceIdAndSecret(body.get("resourceId").textValue(),
                        body.get("resourceSecret").textValue());
                } catch (IOException | RuntimeException e) {
                    throw new CompletionException(new StagingServerException("upload: the server's answer is not"
                        + " the expected {resourceId, resourceSecret} JSON: " + e.getMessage(), 201));
                }
            });
        });
    }

    /**
     * Downloads bundle {@code id} into {@code sink}, hashing it on the way; the stage fails with
     * {@link ChecksumMismatchException} if the content differs from what the server declared, and with
     * {@link StagingServerException} if the server refuses (404 for an unknown id or a wrong secret).
     */
    public <T> CompletionStage<T> download(String id, String secret, Sink<ByteString, CompletionStage<T>> sink) {
        HttpRequest request = HttpRequest.GET(base + "/api/v1/resources/" + encode(id))
            .addHeader(RawHeader.create("Authorization", "Bearer " + secret));
        return send(request).thenCompose(response -> {
            if (response.status().intValue() != 200) {
                return failure(response, "download of bundle " + id);
            }
            Optional<String> declared = response.getHeader("X-Content-SHA256").map(h -> h.value().trim());
            Pair<CompletionStage<String>, CompletionStage<T>> done = response.entity().getDataBytes()
                .viaMat(Checksums.sha256(), Keep.right()).toMat(sink, Keep.both()).run(materializer);
            return plain(done.second()).thenCombine(plain(done.first()), (result, actual) -> {
                if (declared.isPresent() && !declared.get().equalsIgnoreCase(actual)) {
                    throw new CompletionException(new ChecksumMismatchException(id, declared.get(), actual));
                }
                return result;
            });
        });
    }

    /**
     * Downloads bundle {@code id} and extracts it safely into {@code target}; tar or tar.gz is detected.
     * Fails if the archive is unsafe, over {@code limits}, or its checksum does not match.
     */
    public CompletionStage<Extracted> downloadAndExtract(String id, String secret, Path target,
        ExtractionLimits limits, Executor blockingIo) {
        return download(id, secret, SafeTarExtraction.sink(target, limits, Duration.ofMinutes(5), blockingIo));
    }

    /** Deletes bundle {@code id}; completes normally if it was deleted. */
    public CompletionStage<Void> delete(String id, String secret) {
        HttpRequest request = HttpRequest.DELETE(base + "/api/v1/resources/" + encode(id))
            .addHeader(RawHeader.create("Authorization", "Bearer " + secret));
        return send(request).thenCompose(response -> {
            if (response.status().intValue() != 204) {
                return failure(response, "delete of bundle " + id);
            }
            response.discardEntityBytes(materializer);
            return CompletableFuture.completedFuture(null);
        });
    }

    private CompletionStage<HttpResponse> send(HttpRequest request) {
        return plain(https.isPresent() ? http.singleRequest(request, https.get()) : http.singleRequest(request));
    }

    /** {@code pekkoStage} as a plain future completed on the actor system's dispatcher ({@link PlainStages}). */
    private <T> CompletableFuture<T> plain(CompletionStage<T> pekkoStage) {
        return PlainStages.completedOn(pekkoStage, dispatcher);
    }

    private <T> CompletionStage<T> failure(HttpResponse response, String what) {
        int status = response.status().intValue();
        return plain(response.entity().getDataBytes()
            .runFold(ByteString.emptyByteString(), (body, chunk) -> body.size() >= MAX_ERROR_BODY ? body
                : body.concat(chunk.take(MAX_ERROR_BODY - body.size())), materializer))
            .exceptionally(e -> ByteString.emptyByteString())
            .thenApply(body -> {
                throw new CompletionException(new StagingServerException(what + " refused by " + base + ": HTTP "
                    + status + " " + body.utf8String(), status));
            });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
