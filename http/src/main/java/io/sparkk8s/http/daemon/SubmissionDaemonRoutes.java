package io.sparkk8s.http.daemon;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.SubmissionFailedException;
import io.sparkk8s.actors.api.SubmissionRejectedException;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.api.ApiError;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.http.UnreadBodyDrain;
import io.sparkk8s.staging.client.ResourceStagingClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submission daemon's REST API, version 1 (documented in {@code /v1/openapi.yaml}):
 * {@code POST/GET /v1/submissions}, {@code GET/DELETE /v1/submissions/{id}}, {@code GET
 * /v1/submissions/{id}/events} (server-sent events), {@code GET /v1/submissions/{id}/log}, and the
 * unauthenticated {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /v1/openapi.yaml}.
 *
 * <p>Every {@code /v1/submissions} request needs {@code Authorization: Bearer <token>}; a token only
 * sees and submits to its namespaces. A missing or unknown token gets 401, a submission or list in a
 * namespace the token may not use gets 403, and a submission id outside the token's namespaces is
 * answered 404 like an unknown one, so ids of other teams cannot be probed. Every response carries
 * {@code X-Request-Id}, which the daemon's log lines for the request also carry.
 */
public final class SubmissionDaemonRoutes extends AllDirectives {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionDaemonRoutes.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern LABEL_KEY = Pattern.compile(
        "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final String GRACE_PERIOD = "gracePeriodSeconds";
    /** Whole seconds that fit a long (the API server's gracePeriodSeconds is an int64). */
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,18}");
    private static final Duration ENTITY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SSE_KEEP_ALIVE = Duration.ofSeconds(15);
    /** Runs a continuation on the thread that completed the stage (all daemon continuations are short). */
    private static final Executor DIRECT = Runnable::run;
    /**
     * What a submit or kill did, for the request's one log line (a second line per request cost the
     * benchmark about as much CPU as its JSON).
     */
    private static final AttributeKey<String> OUTCOME = AttributeKey.create("sparkk8s-outcome", String.class);

    private final SubmissionBackend backend;
    private final SubmissionTranslator translator;
    private final Supplier<BearerTokens> tokens;
    private final DaemonMetrics metrics;
    private final DaemonSettings settings;
    private final Materializer materializer;
    private final UnreadBodyDrain unreadBodies;
    private final ObjectMapper json = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final byte[] openApi;
    private final Optional<MultipartSubmissions> uploads;
    private final Duration uploadTimeout;

    /**
     * @param backend the cluster
     * @param translator validates submissions
     * @param tokens the current bearer tokens (read again when the file changes)
     * @param metrics counts requests
     * @param settings limits
     * @param materializer reads request bodies
     */
    public SubmissionDaemonRoutes(SubmissionBackend backend, SubmissionTranslator translator,
        Supplier<BearerTokens> tokens, DaemonMetrics metrics, DaemonSettings settings, Materializer materializer) {
        this(backend, translator, tokens, metrics, settings, Optional.empty(), materializer);
    }

    /**
     * Routes that also take multipart submissions when {@code uploads} names a staging server.
     *
     * @param backend the cluster
     * @param translator validates submissions
     * @param tokens the current bearer tokens (read again when the file changes)
     * @param metrics counts requests
     * @param settings limits
     * @param uploads where and how multipart requests' bundles are staged; empty: multipart refused
     * @param materializer reads request bodies
     */
    public SubmissionDaemonRoutes(SubmissionBackend backend, SubmissionTranslator translator,
        Supplier<BearerTokens> tokens, DaemonMetrics metrics, DaemonSettings settings,
        Optional<UploadSettings> uploads, Materializer materializer) {
        this.uploads = uploads.filter(u -> u.stagingServer().isPresent()).map(u -> new MultipartSubmissions(backend,
            translator, new ResourceStagingClient(materializer.system(), u.stagingServer().get(),
                u.trust().sslContext()), u, settings.maxRequestSize(), materializer));
        this.uploadTimeout = uploads.map(UploadSettings::requestTimeout).orElse(settings.requestTimeout());
        this.backend = backend;
        this.translator = translator;
        this.tokens = tokens;
        this.metrics = metrics;
        this.settings = settings;
        this.materializer = materializer;
        this.unreadBodies = new UnreadBodyDrain(materializer, settings.requestTimeout());
        this.openApi = openApiDocument();
    }

    /** The OpenAPI 3 document served at {@code /v1/openapi.yaml}. */
    public static byte[] openApiDocument() {
        try (InputStream in = SubmissionDaemonRoutes.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All routes. */
    public Route routes() {
        return extractRequest(request -> {
            String requestId = request.getHeader("X-Request-Id").map(h -> h.value())
                .filter(v -> REQUEST_ID.matcher(v).matches()).orElseGet(() -> UUID.randomUUID().toString());
            long started = System.nanoTime();
            metrics.requestStarted();
            return mapResponse(response -> {
                metrics.requestEnded(response.status().intValue());
                LOG.info("request {}: {} {} -> {} in {} ms{}", requestId, request.method().value(),
                    request.getUri().path(), response.status().intValue(), (System.nanoTime() - started) / 1_000_000,
                    response.getAttribute(OUTCOME).map(o -> ": " + o).orElse(""));
                return response.addHeader(RawHeader.create("X-Request-Id", requestId));
            }, () -> unreadBodies.around(() -> handleExceptions(exceptions(requestId), () -> handleRejections(
                rejections(), () -> api(request, requestId)))));
        });
    }

    private Route api(HttpRequest request, String requestId) {
        return concat(
            path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok"))),
            path("readyz", () -> get(() -> completeWithFuture(backend.ready().thenApply(ready -> ready
                ? text(StatusCodes.OK, "ready")
                : error(StatusCodes.SERVICE_UNAVAILABLE, "not_ready", "the Kubernetes API server does not answer",
                    null)).exceptionally(e -> error(StatusCodes.SERVICE_UNAVAILABLE, "not_ready",
                        "the Kubernetes API server does not answer", null))))),
            path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(HttpEntities.create(
                ContentTypes.TEXT_PLAIN_UTF8, metrics.render()))
                .addHeader(RawHeader.create("X-Prometheus-Format", "0.0.4"))))),
            path(PathMatchers.segment("v1").slash("openapi.yaml"), () -> get(() -> complete(HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.applicationWithOpenCharset("yaml"),
                    org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8), openApi))))),
            pathPrefix(PathMatchers.segment("v1").slash("submissions"), () -> authenticated(caller -> concat(
                pathEndOrSingleSlash(() -> concat(
                    post(() -> optionalHeaderValueByName("Idempotency-Key", key -> extractRequest(post ->
                        post.entity().getContentType().mediaType().isMultipart()
                            ? multipart(key, caller, requestId)
                            : extractRequestEntity(entity -> completeWithFuture(submit(entity, key, caller,
                                requestId)))))),
                    get(() -> parameterOptional("namespace", ns -> parameterList("state", states ->
                        parameterList("label", labels -> parameterOptional("limit", limit ->
                            parameterOptional("pageToken", token -> completeWithFuture(
                                list(caller, ns, states, labels, limit, token, requestId)))))))))),
                pathPrefix(PathMatchers.segment(), id -> concat(
                    pathEnd(() -> concat(
                        get(() -> completeWithFuture(withSubmission(id, caller, s -> CompletableFuture
                            .completedFuture(ok(s))))),
                        delete(() -> parameterOptional(GRACE_PERIOD, grace -> completeWithFuture(
                            kill(id, caller, grace)))))),
                    path("events", () -> get(() -> completeWithFuture(withSubmission(id, caller,
                        s -> CompletableFuture.completedFuture(events(s)))))),
                    path("log", () -> get(() -> parameterOptional("tail", tail ->
                        completeWithFuture(log(id, caller, tail)))))))))));
    }

    private Route authenticated(Function<BearerTokens.Caller, Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            Optional<BearerTokens.Caller> caller = header
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip())
                .filter(t -> !t.isEmpty())
                .flatMap(t -> tokens.get().authenticate(t));
            if (caller.isEmpty()) {
                return complete(error(StatusCodes.UNAUTHORIZED, "unauthorized", "a valid bearer token is required",
                    null).addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"spark-k8s\"")));
            }
            return inner.apply(caller.get());
        });
    }

    /** The multipart POST: its own size limit (the bundles') and request timeout (uploads take time). */
    private Route multipart(Optional<String> idempotencyKey, BearerTokens.Caller caller, String requestId) {
        if (uploads.isEmpty()) {
            return extractRequestEntity(entity -> {
                metrics.submission("invalid", 0);
                return complete(error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "uploads_disabled", "this daemon takes no"
                    + " multipart submissions: it has no staging server (" + UploadSettings.PATH
                    + ".staging-server-uri); send application/json with remote dependencies", "Content-Type"));
            });
        }
        MultipartSubmissions handler = uploads.get();
        return withSizeLimit(handler.maxRequestSize(), () -> withRequestTimeout(
            scala.concurrent.duration.FiniteDuration.fromNanos(uploadTimeout.toNanos()),
            () -> extractRequestEntity(entity -> completeWithFuture(submitMultipart(handler, entity, idempotencyKey,
                caller, requestId)))));
    }

    /**
     * The answer to a submit refused before its body is read (the rest is left to {@link UnreadBodyDrain}):
     * a malformed Idempotency-Key, or a declared length over {@code maxSize}.
     */
    private Optional<HttpResponse> refusedUnread(RequestEntity entity, Optional<String> idempotencyKey,
        long maxSize, Supplier<HttpResponse> tooLarge, long started) {
        if (idempotencyKey.isPresent() && !IDEMPOTENCY_KEY.matcher(idempotencyKey.get()).matches()) {
            metrics.submission("invalid", System.nanoTime() - started);
            return Optional.of(error(StatusCodes.BAD_REQUEST, "invalid_request", "Idempotency-Key: expected 1 to"
                + " 255 printable ASCII characters without spaces", "Idempotency-Key"));
        }
        if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > maxSize) {
            metrics.submission("too_large", System.nanoTime() - started);
            return Optional.of(tooLarge.get());
        }
        return Optional.empty();
    }

    private CompletionStage<HttpResponse> submitMultipart(MultipartSubmissions handler, RequestEntity entity,
        Optional<String> idempotencyKey, BearerTokens.Caller caller, String requestId) {
        long started = System.nanoTime();
        Optional<HttpResponse> refused = refusedUnread(entity, idempotencyKey, handler.maxRequestSize(),
            () -> error(StatusCodes.CONTENT_TOO_LARGE, "too_large", "the request body is larger than "
                + handler.maxRequestSize() + " bytes (the submission part and two bundles of "
                + UploadSettings.PATH + ".max-bundle-size); nothing was staged or submitted", null), started);
        if (refused.isPresent()) {
            return done(refused.get());
        }
        return handler.submit(entity, idempotencyKey, new MultipartSubmissions.Caller(caller::mayUse, this::parse),
                requestId)
            .thenApply(submitted -> answer(submitted, started, requestId, caller))
            .exceptionally(e -> submitFailure(unwrap(e), started, requestId));
    }

    private CompletionStage<HttpResponse> submit(RequestEntity entity, Optional<String> idempotencyKey,
        BearerTokens.Caller caller, String requestId) {
        long started = System.nanoTime();
        Optional<HttpResponse> refused = refusedUnread(entity, idempotencyKey, settings.maxRequestSize(),
            this::tooLarge, started);
        if (refused.isPresent()) {
            return done(refused.get());
        }
        // thenComposeAsync on the calling thread: the stage Pekko returns runs a plain thenCompose asynchronously
        // on the common pool, which on a machine of 2 cores or fewer starts a new thread for every request.
        return entity.withSizeLimit(settings.maxRequestSize()).toStrict(ENTITY_TIMEOUT.toMillis(), materializer)
            .thenComposeAsync(strict -> {
                SubmissionRequest request;
                try {
                    request = translator.translate(parse(strict.getData()));
                } catch (SubmissionTranslator.FieldProblem e) {
                    metrics.submission("invalid", System.nanoTime() - started);
                    return done(problems(e.problems()));
                }
                String namespace = request.sparkConf().get("spark.kubernetes.namespace").orElse("default");
                if (!caller.mayUse(namespace)) {
                    metrics.submission("forbidden", System.nanoTime() - started);
                    LOG.info("request {}: {} may not submit to namespace {}", requestId, caller.name(), namespace);
                    return done(forbidden());
                }
                // Answer before the server's request timeout would (with a bare 503 and no request id).
                CompletableFuture<SubmissionBackend.Submitted> pending = backend.submit(request, idempotencyKey)
                    .toCompletableFuture().orTimeout(submitDeadline().toMillis(), TimeUnit.MILLISECONDS);
                return pending.thenApply(submitted -> answer(submitted, started, requestId, caller));
            }, DIRECT)
            .exceptionally(e -> submitFailure(unwrap(e), started, requestId));
    }

    private HttpResponse answer(SubmissionBackend.Submitted submitted, long started, String requestId,
        BearerTokens.Caller caller) {
        SubmissionStatus s = submitted.status();
        metrics.submission(submitted.created() ? "created" : "replayed", System.nanoTime() - started);
        HttpResponse response = json(submitted.created() ? StatusCodes.CREATED : StatusCodes.OK,
            SubmissionView.of(s)).addHeader(RawHeader.create("Location", "/v1/submissions/"
                + s.submissionId()))
            .addAttribute(OUTCOME, (submitted.created() ? "created" : "replayed") + " submission "
                + s.submissionId() + " (" + s.appName() + ") in " + s.namespace() + " for " + caller.name());
        return submitted.created() ? response
            : response.addHeader(RawHeader.create("Idempotent-Replayed", "true"));
    }

    private HttpResponse submitFailure(Throwable cause, long started, String requestId) {
        if (cause instanceof SubmissionBackend.IdempotencyKeyReused reused) {
            metrics.submission("invalid", System.nanoTime() - started);
            return error(StatusCodes.UNPROCESSABLE_ENTITY, "idempotency_key_reused", reused.getMessage(),
                "Idempotency-Key");
        }
        if (cause instanceof SubmissionTranslator.FieldProblem problem) {
            metrics.submission("invalid", System.nanoTime() - started);
            return problems(problem.problems());
        }
        if (cause instanceof MultipartSubmissions.Forbidden) {
            metrics.submission("forbidden", System.nanoTime() - started);
            return forbidden();
        }
        if (cause instanceof MultipartSubmissions.PartTooLarge || MultipartSubmissions.refusedForSize(cause)) {
            metrics.submission("too_large", System.nanoTime() - started);
            return error(StatusCodes.CONTENT_TOO_LARGE, "too_large", cause.getMessage()
                + "; nothing was staged or submitted", null);
        }
        if (cause instanceof MultipartSubmissions.StagingServerFailed staging) {
            LOG.warn("request {}: {}", requestId, staging.getMessage(), staging.getCause());
            metrics.submission("error", System.nanoTime() - started);
            return error(StatusCodes.BAD_GATEWAY, "staging_server_error", staging.getMessage(), null);
        }
        if (cause instanceof EntityStreamSizeException) {
            metrics.submission("too_large", System.nanoTime() - started);
            return tooLarge();
        }
        if (cause instanceof EntityStreamException truncated) {
            metrics.submission("invalid", System.nanoTime() - started);
            return error(StatusCodes.BAD_REQUEST, "invalid_request", "the request body ended early: "
                + truncated.getMessage(), "body");
        }
        if (cause instanceof SubmissionFailedException failed) {
            if (failed.getCause() != null && ApiError.classify(failed.getCause()).isRetryable()) {
                // The API server was unreachable or overloaded through every retry: try again later.
                metrics.submission("unavailable", System.nanoTime() - started);
                return error(StatusCodes.SERVICE_UNAVAILABLE, "kubernetes_unavailable", failed.getMessage(),
                    null).addHeader(RawHeader.create("Retry-After", "30"));
            }
            metrics.submission("failed", System.nanoTime() - started);
            return error(StatusCodes.UNPROCESSABLE_ENTITY, "submission_failed", failed.getMessage(), null);
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            metrics.submission("timeout", System.nanoTime() - started);
            return error(StatusCodes.GATEWAY_TIMEOUT, "timeout", "the submission did not complete in time;"
                + " retry with the same Idempotency-Key to get its outcome without submitting twice", null);
        }
        if (cause instanceof SubmissionRejectedException rejected) {
            metrics.submission("rejected", System.nanoTime() - started);
            return error(StatusCodes.SERVICE_UNAVAILABLE, "busy", rejected.getMessage(), null)
                .addHeader(RawHeader.create("Retry-After", "5"));
        }
        if (cause instanceof InvalidConfigurationException invalid) {
            metrics.submission("invalid", System.nanoTime() - started);
            return error(StatusCodes.BAD_REQUEST, "invalid_request", invalid.getMessage(), null);
        }
        metrics.submission("error", System.nanoTime() - started);
        return failure(cause, requestId);
    }

    private Duration submitDeadline() {
        Duration margin = Duration.ofSeconds(2);
        Duration deadline = settings.requestTimeout().minus(margin);
        return deadline.compareTo(margin) < 0 ? settings.requestTimeout().dividedBy(2) : deadline;
    }

    private SubmissionBody parse(ByteString data) {
        if (data.isEmpty()) {
            throw problem("body", "empty; expected a JSON object with at least primaryResource");
        }
        try {
            SubmissionBody body = json.readValue(data.toArray(), SubmissionBody.class);
            if (body == null) {
                throw problem("body", "null; expected a JSON object with at least primaryResource");
            }
            return body;
        } catch (UnrecognizedPropertyException e) {
            throw problem(path(e), "unknown field; the fields are " + e.getKnownPropertyIds());
        } catch (JsonParseException e) {
            String field = Optional.ofNullable(e.getProcessor()).map(p -> p.getParsingContext().getCurrentName())
                .orElse("body");
            throw problem(field, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            String field = path(e);
            throw problem(field.isEmpty() ? "body" : field, field.isEmpty()
                ? "expected a JSON object with at least primaryResource"
                : "wrong type: " + e.getOriginalMessage().replaceAll("\\s+at \\[Source.*", ""));
        } catch (JsonProcessingException e) {
            throw problem("body", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private CompletionStage<HttpResponse> list(BearerTokens.Caller caller, Optional<String> namespace,
        List<String> states, List<String> labels, Optional<String> limit, Optional<String> pageToken,
        String requestId) {
        Set<String> namespaces;
        if (namespace.isPresent()) {
            if (!DNS_LABEL.matcher(namespace.get()).matches()) {
                return done(error(StatusCodes.BAD_REQUEST, "invalid_request", "namespace: '" + namespace.get()
                    + "' is not a namespace name (lower-case letters, digits and '-', at most 63)", "namespace"));
            }
            if (!caller.mayUse(namespace.get())) {
                return done(forbidden());
            }
            namespaces = Set.of(namespace.get());
        } else {
            namespaces = caller.namespaces();
        }
        Set<SubmissionState> wanted = EnumSet.noneOf(SubmissionState.class);
        for (String state : states.stream().flatMap(s -> List.of(s.split(",")).stream()).toList()) {
            try {
                wanted.add(SubmissionState.valueOf(state.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return done(error(StatusCodes.BAD_REQUEST, "invalid_request", "state: '" + state + "' is not a state;"
                    + " expected one of " + List.of(SubmissionState.values()), "state"));
            }
        }
        Map<String, String> selector = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            String key = eq < 0 ? label : label.substring(0, eq);
            String value = eq < 0 ? "" : label.substring(eq + 1);
            if (eq < 0 || !LABEL_KEY.matcher(key).matches() || !LABEL_VALUE.matcher(value).matches()) {
                return done(error(StatusCodes.BAD_REQUEST, "invalid_request", "label: '" + label + "' is not"
                    + " key=value with a Kubernetes label key and value", "label"));
            }
            selector.put(key, value);
        }
        int size = settings.defaultPageSize();
        if (limit.isPresent()) {
            try {
                size = Integer.parseInt(limit.get());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > settings.maxPageSize()) {
                return done(error(StatusCodes.BAD_REQUEST, "invalid_request", "limit: '" + limit.get()
                    + "' is not a page size; expected 1 to " + settings.maxPageSize(), "limit"));
            }
        }
        CompletionStage<SubmissionBackend.Page> page;
        try {
            page = backend.list(new SubmissionBackend.Query(namespaces, wanted, selector, size, pageToken));
        } catch (SubmissionBackend.InvalidPageToken e) {
            return done(error(StatusCodes.BAD_REQUEST, "invalid_request", e.getMessage(), "pageToken"));
        }
        return page.thenApply(p -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", p.items().stream().map(SubmissionView::of).toList());
            p.nextPageToken().ifPresent(t -> body.put("nextPageToken", t));
            return json(StatusCodes.OK, body);
        }).exceptionally(e -> unwrap(e) instanceof SubmissionBackend.InvalidPageToken invalid
            ? error(StatusCodes.BAD_REQUEST, "invalid_request", invalid.getMessage(), "pageToken")
            : failure(unwrap(e), requestId));
    }

    private CompletionStage<HttpResponse> withSubmission(String id, BearerTokens.Caller caller,
        Function<SubmissionStatus, CompletionStage<HttpResponse>> then) {
        if (!LABEL_VALUE.matcher(id).matches() || id.isEmpty()) {
            return done(notFound(id));
        }
        return backend.find(id, caller.namespaces()).thenCompose(found -> found
            .filter(s -> caller.mayUse(s.namespace()))
            .map(then)
            .orElseGet(() -> done(notFound(id))));
    }

    private CompletionStage<HttpResponse> log(String id, BearerTokens.Caller caller, Optional<String> tail) {
        int lines;
        try {
            lines = tail.map(Integer::parseInt).orElse(100);
        } catch (NumberFormatException e) {
            lines = -1;
        }
        if (lines < 1 || lines > settings.maxLogLines()) {
            return done(error(StatusCodes.BAD_REQUEST, "invalid_request", "tail: '" + tail.orElse("") + "' is not"
                + " a line count; expected 1 to " + settings.maxLogLines(), "tail"));
        }
        int n = lines;
        return withSubmission(id, caller, s -> backend.log(s, n).thenApply(text -> HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, text == null ? "" : text))));
    }

    private CompletionStage<HttpResponse> kill(String id, BearerTokens.Caller caller, Optional<String> grace) {
        if (grace.isPresent() && !SECONDS.matcher(grace.get()).matches()) {
            return done(error(StatusCodes.BAD_REQUEST, "invalid_request", GRACE_PERIOD + ": '" + grace.get()
                + "' is not a grace period; expected a whole number of seconds, 0 or more (0 deletes the driver pod"
                + " at once; leave it out for the pod's own grace period)", GRACE_PERIOD));
        }
        OptionalLong seconds = grace.map(g -> OptionalLong.of(Long.parseLong(g))).orElse(OptionalLong.empty());
        return withSubmission(id, caller, s -> backend.kill(s, seconds).thenApply(killed -> ok(killed)
            .addAttribute(OUTCOME, "killed " + id + " in " + s.namespace() + " for " + caller.name())));
    }

    private HttpResponse events(SubmissionStatus current) {
        var source = backend.events(current)
            .map(s -> ByteString.fromString("event: status\ndata: " + json.writeValueAsString(SubmissionView.of(s))
                + "\n\n"))
            .keepAlive(SSE_KEEP_ALIVE, () -> ByteString.fromString(":\n\n"));
        return HttpResponse.create().withEntity(HttpEntities.createChunked(
            MediaTypes.TEXT_EVENT_STREAM.toContentType(), source));
    }

    private ExceptionHandler exceptions(String requestId) {
        return ExceptionHandler.newBuilder()
            .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
            .match(EntityStreamException.class, e -> complete(error(StatusCodes.BAD_REQUEST, "invalid_request",
                "the request body ended early: " + e.getMessage(), "body")))
            .match(Exception.class, e -> complete(failure(e, requestId)))
            .build();
    }

    private RejectionHandler rejections() {
        return RejectionHandler.defaultHandler();
    }

    private HttpResponse failure(Throwable e, String requestId) {
        if (e instanceof KubernetesClientException k) {
            LOG.warn("request {}: the Kubernetes API server failed: {}", requestId, k.getMessage());
            if (k.getCode() <= 0) {
                return error(StatusCodes.BAD_GATEWAY, "kubernetes_api_error", "the Kubernetes API server could not"
                    + " be reached: " + k.getMessage(), null);
            }
            return error(StatusCodes.BAD_GATEWAY, "kubernetes_api_error", "the Kubernetes API server answered "
                + k.getCode() + (k.getStatus() != null && k.getStatus().getMessage() != null ? ": "
                + k.getStatus().getMessage() : ""), null);
        }
        LOG.error("request {}: internal error", requestId, e);
        return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "internal error; the daemon's log has"
            + " the details under request id " + requestId, null);
    }

    private HttpResponse ok(SubmissionStatus s) {
        return json(StatusCodes.OK, SubmissionView.of(s));
    }

    private HttpResponse notFound(String id) {
        return error(StatusCodes.NOT_FOUND, "not_found", "no submission '" + id + "' in the namespaces of this token",
            null);
    }

    private HttpResponse forbidden() {
        return error(StatusCodes.FORBIDDEN, "forbidden", "this token may not use that namespace", null);
    }

    private HttpResponse tooLarge() {
        return error(StatusCodes.CONTENT_TOO_LARGE, "too_large", "the request body is larger than "
            + settings.maxRequestSize() + " bytes (spark-k8s.daemon.max-request-size)", null);
    }

    private HttpResponse problems(List<SubmissionTranslator.FieldProblem.Problem> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid_request");
        body.put("field", problems.get(0).field());
        body.put("message", problems.get(0).message());
        List<Map<String, String>> all = new ArrayList<>();
        problems.forEach(p -> all.add(Map.of("field", p.field(), "message", p.message())));
        body.put("problems", all);
        return json(StatusCodes.BAD_REQUEST, body);
    }

    private HttpResponse error(StatusCode status, String code, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message);
        return json(status, body);
    }

    private HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
    }

    private static HttpResponse text(StatusCode status, String text) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
            text));
    }

    private static SubmissionTranslator.FieldProblem problem(String field, String message) {
        return new SubmissionTranslator.FieldProblem(List.of(new SubmissionTranslator.FieldProblem.Problem(field,
            message)));
    }

    private static CompletionStage<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
