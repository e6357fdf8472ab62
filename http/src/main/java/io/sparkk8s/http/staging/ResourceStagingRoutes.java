package io.sparkk8s.http.staging;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.Directives.reject;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkk8s.http.UnreadBodyDrain;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.StagedResourcesOwnerJson;
import io.sparkk8s.staging.store.BlobStore;
import io.sparkk8s.staging.store.BlobStore.PendingBlob;
import io.sparkk8s.staging.store.BundleDownload;
import io.sparkk8s.staging.store.InsufficientStorageException;
import io.sparkk8s.staging.store.NewBundle;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource staging server's HTTP API. {@code /api/v0} is the original design's protocol, kept
 * so its clients keep working; {@code /api/v1} adds a raw streaming upload and a delete. See
 * {@code docs/resource-staging-server.md} for the full description.
 *
 * <p>Authorization is the bundle's secret in the {@code Authorization} header, raw (as the original
 * client sends it) or as {@code Bearer <secret>}. A request without it is answered 401; an unknown
 * id and a wrong secret are both answered 404 with the same body, so the answer never tells whether
 * an id exists.
 */
public final class ResourceStagingRoutes {

    /**
     * Runs callbacks on the completing thread. Stages made by Pekko send even non-async callbacks to the
     * common pool, which with fewer than three cores starts a new thread per callback.
     */
    private static final Executor INLINE = Runnable::run;

    /** The reply of the liveness endpoint, as the original server answered. */
    public static final String PONG = "pong";
    /** Header carrying the lowercase hex SHA-256 of a bundle's content (download answer, optional on upload). */
    public static final String CONTENT_SHA256 = "X-Content-SHA256";

    private static final Logger LOG = LoggerFactory.getLogger(ResourceStagingRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_FOUND = "no bundle with this id and secret";
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final BlobStore store;
    private final long maxBundleSize;
    private final long maxOwnerSize;
    private final BooleanSupplier ready;
    private final Supplier<ObjectNode> ownerWatcherHealth;
    private final Supplier<String> metrics;

    /**
     * Routes over {@code store}.
     *
     * @param maxBundleSize largest accepted bundle in bytes (413 above)
     * @param maxOwnerSize largest accepted {@code resourcesOwner} part in bytes
     * @param ready answers the readiness probe
     */
    public ResourceStagingRoutes(BlobStore store, long maxBundleSize, long maxOwnerSize, BooleanSupplier ready) {
        this(store, maxBundleSize, maxOwnerSize, ready, null, null);
    }

    /**
     * Routes over {@code store} whose {@code /healthz} answers JSON with {@code ownerWatcher} =
     * {@code ownerWatcherHealth.get()} (still 200: the watcher's state does not make the server unable
     * to serve; it says whether bundles of deleted owners are being cleaned), and which serves {@code
     * GET /metrics} = {@code metrics.get()} (Prometheus text format).
     */
    public ResourceStagingRoutes(BlobStore store, long maxBundleSize, long maxOwnerSize, BooleanSupplier ready,
        Supplier<ObjectNode> ownerWatcherHealth, Supplier<String> metrics) {
        this.store = store;
        this.maxBundleSize = maxBundleSize;
        this.maxOwnerSize = maxOwnerSize;
        this.ready = ready;
        this.ownerWatcherHealth = ownerWatcherHealth;
        this.metrics = metrics;
    }

    private HttpResponse health() {
        if (ownerWatcherHealth == null) {
            return text(StatusCodes.OK, "ok");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "ok");
        body.set("ownerWatcher", ownerWatcherHealth.get());
        return json(StatusCodes.OK, body);
    }

    /** All routes of the staging server. */
    public Route routes() {
        return concat(
            path("healthz", () -> get(() -> complete(health()))),
            path("metrics", () -> get(() -> metrics == null ? reject() : complete(HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.get()))))),
            path("readyz", () -> get(() -> complete(ready.getAsBoolean() ? text(StatusCodes.OK, "ready")
                : text(StatusCodes.SERVICE_UNAVAILABLE, "the blob store is not writable")))),
            pathPrefix("api", () -> concat(
                pathPrefix("v0", () -> concat(
                    path("ping", () -> get(() -> complete(text(StatusCodes.OK, PONG)))),
                    pathPrefix("resources", () -> concat(
                        pathEndOrSingleSlash(() -> post(() -> drained(this::multipartUpload))),
                        path(segment(), id -> get(() -> download(id))))))),
                pathPrefix("v1", () -> concat(
                    path("ping", () -> get(() -> complete(text(StatusCodes.OK, PONG)))),
                    pathPrefix("resources", () -> concat(
                        pathEndOrSingleSlash(() -> concat(post(() -> drained(this::rawUpload)),
                            put(() -> drained(this::rawUpload)))),
                        path(segment(), id -> concat(
                            get(() -> download(id)),
                            delete(() -> deleteBundle(id)))))))))));
    }

    /**
     * {@code upload} behind {@link UnreadBodyDrain}: a refusal given before the body was read (413 from the
     * declared length, 400 for a bad owner) or a body cut off at the size limit still reaches a client that is
     * sending, instead of the connection being reset under it; and the size limit fails only the upload's
     * read, not the connection's stream.
     */
    private Route drained(Supplier<Route> upload) {
        return extractMaterializer(mat -> new UnreadBodyDrain(mat).around(upload));
    }

    private Route multipartUpload() {
        return withSizeLimit(maxBundleSize + maxOwnerSize + MULTIPART_OVERHEAD, () -> extractRequest(request ->
            extractMaterializer(mat -> completeWithFuture(answer(
                Unmarshaller.entityToMultipartFormData().unmarshal(request.entity(), mat)
                    .thenComposeAsync(form -> receiveParts(form, mat), INLINE)
                    .thenCompose(parts -> parts.pending().commit(parts.owner())
                        .whenComplete((ok, failure) -> parts.pending().discard()))
                    .thenApply(bundle -> json(StatusCodes.OK, idAndSecret(bundle))))))));
    }

    private record Parts(PendingBlob pending, StagedResourcesOwner owner) {
    }

    private CompletionStage<Parts> receiveParts(Multipart.FormData form, Materializer mat) {
        AtomicReference<CompletionStage<PendingBlob>> writing = new AtomicReference<>();
        AtomicReference<StagedResourcesOwner> owner = new AtomicReference<>();
        CompletionStage<Done> done = form.getParts().mapAsync(1, part -> {
            switch (part.getName()) {
                case "resources":
                    if (writing.get() != null) {
                        throw new BadUpload("resources: the part is given twice; send one bundle per upload");
                    }
                    CompletionStage<PendingBlob> write =
                        store.write(part.getEntity().getDataBytes().via(limit(maxBundleSize, "resources")));
                    writing.set(write);
                    return write.thenApply(p -> Done.getInstance());
                case "resourcesOwner":
                    return part.getEntity().getDataBytes().via(limit(maxOwnerSize, "resourcesOwner"))
                        .runFold(ByteString.emptyByteString(), ByteString::concat, mat)
                        .thenApplyAsync(bytes -> {
                            owner.set(parseOwner(bytes.decodeString(StandardCharsets.UTF_8)));
                            return Done.getInstance();
                        }, INLINE);
                default:
                    return part.getEntity().discardBytes(mat).completionStage();
            }
        }).runWith(Sink.ignore(), mat);
        // When the bundle's write fails, the multipart stream fails too, often first and with a less
        // precise cause; so the outcome of the write is awaited and preferred.
        return done.handleAsync((ok, failure) -> Optional.ofNullable(failure), INLINE).thenCompose(partsFailure -> {
            CompletionStage<PendingBlob> write = writing.get();
            if (write == null) {
                return CompletableFuture.completedFuture(partsOf(null, null, owner.get(), partsFailure));
            }
            return write.handle((blob, writeFailure) -> partsOf(blob, writeFailure, owner.get(), partsFailure));
        });
    }

    private static Parts partsOf(PendingBlob blob, Throwable writeFailure, StagedResourcesOwner owner,
        Optional<Throwable> partsFailure) {
        if (writeFailure != null) {
            throw new CompletionException(unwrap(writeFailure));
        }
        if (partsFailure.isPresent() || blob == null || owner == null) {
            if (blob != null) {
                blob.discard();
            }
            if (partsFailure.isPresent()) {
                throw new CompletionException(unwrap(partsFailure.get()));
            }
            throw new BadUpload(blob == null
                ? "resources: the multipart part with the bundle is missing (parts: resources, resourcesOwner)"
                : "resourcesOwner: the multipart part with the owner JSON is missing (parts: resources,"
                    + " resourcesOwner)");
        }
        return new Parts(blob, owner);
    }

    private Route rawUpload() {
        return withSizeLimit(maxBundleSize, () -> extractRequest(request -> extractMaterializer(mat -> {
            StagedResourcesOwner owner;
            try {
                owner = ownerFromQuery(request);
            } catch (BadUpload e) {
                return complete(text(StatusCodes.BAD_REQUEST, e.getMessage()));
            }
            Optional<String> expectedSha = request.getHeader(CONTENT_SHA256).map(h -> h.value().trim());
            return completeWithFuture(answer(store.write(request.entity().getDataBytes()
                    .via(limit(maxBundleSize, "body")))
                .thenCompose(pending -> {
                    if (expectedSha.isPresent() && !expectedSha.get().equalsIgnoreCase(pending.contentSha256())) {
                        pending.discard();
                        throw new BadUpload(CONTENT_SHA256 + ": the body's SHA-256 is " + pending.contentSha256()
                            + ", not " + expectedSha.get() + "; nothing was stored");
                    }
                    return pending.commit(owner).whenComplete((ok, failure) -> pending.discard());
                })
                .thenApply(bundle -> {
                    ObjectNode body = idAndSecret(bundle);
                    body.put("size", bundle.entry().size());
                    body.put("contentSha256", bundle.entry().contentSha256());
                    return json(StatusCodes.CREATED, body)
                        .addHeader(Location.create("/api/v1/resources/" + bundle.entry().id()));
                })));
        })));
    }

    private Route download(String id) {
        return extractRequest(request -> {
            Optional<String> secret = secretOf(request);
            if (secret.isEmpty()) {
                return unauthorized();
            }
            return completeWithFuture(answer(store.open(id, secret.get()).thenApply(found -> found
                .map(ResourceStagingRoutes::bundleResponse)
                .orElseGet(() -> text(StatusCodes.NOT_FOUND, NOT_FOUND)))));
        });
    }

    private Route deleteBundle(String id) {
        return extractRequest(request -> {
            Optional<String> secret = secretOf(request);
            if (secret.isEmpty()) {
                return unauthorized();
            }
            return completeWithFuture(answer(store.authorize(id, secret.get())
                .thenCompose(authorized -> authorized ? store.delete(id) : CompletableFuture.completedFuture(false))
                .thenApply(deleted -> deleted ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                    : text(StatusCodes.NOT_FOUND, NOT_FOUND))));
        });
    }

    private static HttpResponse bundleResponse(BundleDownload download) {
        long size = download.entry().size();
        return HttpResponse.create()
            .withEntity(size == 0 ? HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, new byte[0])
                : HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, size, download.content()))
            .addHeader(RawHeader.create(CONTENT_SHA256, download.entry().contentSha256()));
    }

    /**
     * The secret of an {@code Authorization} header: {@code Bearer <secret>} or, as the original
     * client sends it, the bare secret.
     */
    static Optional<String> secretOf(HttpRequest request) {
        return request.getHeader("Authorization").map(h -> h.value().trim()).map(value ->
            value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value)
            .filter(s -> !s.isEmpty());
    }

    private static StagedResourcesOwner ownerFromQuery(HttpRequest request) {
        Optional<String> namespace = request.getUri().query().get("ownerNamespace");
        List<String> labels = request.getUri().query().getAll("ownerLabel");
        Map<String, String> labelMap = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw new BadUpload("ownerLabel: '" + label + "' is not key=value");
            }
            labelMap.put(label.substring(0, eq), label.substring(eq + 1));
        }
        try {
            return new StagedResourcesOwner(namespace.orElse(null), labelMap,
                request.getUri().query().get("ownerType").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new BadUpload(e.getMessage().replaceFirst("^ownerLabels:", "ownerLabel:"));
        }
    }

    private static StagedResourcesOwner parseOwner(String json) {
        try {
            return StagedResourcesOwnerJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw new BadUpload(e.getMessage());
        }
    }

    private static Flow<ByteString, ByteString, NotUsed> limit(long max, String what) {
        return Flow.<ByteString>create().statefulMap(AtomicLong::new, (seen, chunk) -> {
            if (seen.addAndGet(chunk.size()) > max) {
                throw new BundleTooLarge(what + ": larger than the limit of " + max + " bytes (max-bundle-size);"
                    + " nothing was stored");
            }
            return org.apache.pekko.japi.Pair.create(seen, chunk);
        }, seen -> Optional.empty());
    }

    private static CompletionStage<HttpResponse> answer(CompletionStage<HttpResponse> work) {
        return work.exceptionally(ResourceStagingRoutes::failure);
    }

    private static HttpResponse failure(Throwable thrown) {
        Throwable failure = unwrap(thrown);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadUpload) {
                return text(StatusCodes.BAD_REQUEST, t.getMessage());
            }
            if (t instanceof BundleTooLarge) {
                return text(StatusCodes.CONTENT_TOO_LARGE, t.getMessage());
            }
            if (t instanceof EntityStreamSizeException size) {
                return text(StatusCodes.CONTENT_TOO_LARGE, "the request body is larger than the limit of "
                    + size.limit() + " bytes (max-bundle-size); nothing was stored");
            }
            if (t instanceof InsufficientStorageException) {
                LOG.error("upload refused: {}", t.getMessage());
                return text(StatusCodes.INSUFFICIENT_STORAGE, "the staging server's store is full; nothing was"
                    + " stored");
            }
            if (t instanceof org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.UnsupportedContentTypeException
                || t instanceof org.apache.pekko.http.scaladsl.unmarshalling.Unmarshaller
                    .UnsupportedContentTypeException) {
                return text(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "expected multipart/form-data with parts"
                    + " resources and resourcesOwner: " + t.getMessage());
            }
            // The body ended early, or the client's connection was reset under it (a client that gave up,
            // e.g. the daemon stopping an upload whose bundle it refused): the client's doing, not the server's.
            if (t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamException
                || t instanceof org.apache.pekko.stream.StreamTcpException) {
                LOG.info("upload aborted by the client: {}; nothing was stored", t.getMessage());
                return text(StatusCodes.BAD_REQUEST, "the request body ended early: " + t.getMessage());
            }
        }
        LOG.error("request failed", failure);
        return text(StatusCodes.INTERNAL_SERVER_ERROR, "internal error; see the server log");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ObjectNode idAndSecret(NewBundle bundle) {
        ObjectNode body = JSON.createObjectNode();
        body.put("resourceId", bundle.entry().id());
        body.put("resourceSecret", bundle.secret());
        return body;
    }

    private static HttpResponse json(StatusCode status, ObjectNode body) {
        return HttpResponse.create().withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    private static HttpResponse text(StatusCode status, String message) {
        return HttpResponse.create().withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, message));
    }

    private static Route unauthorized() {
        return complete(text(StatusCodes.UNAUTHORIZED, "missing Authorization header: send the bundle's secret as"
            + " 'Authorization: Bearer <secret>' (or the bare secret)")
            .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"resource-staging-server\"")));
    }

    /** A client error in an upload; its message names the part or parameter. */
    private static final class BadUpload extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadUpload(String message) {
            super(message);
        }
    }

    /** A bundle over the size limit. */
    private static final class BundleTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BundleTooLarge(String message) {
            super(message);
        }
    }
}
