package io.sparkk8s.submission.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A thin client of the submission daemon's REST API, shaped like the in-process {@code
 * SparkKubernetesSubmitter}: every call returns a {@link CompletionStage}; refusals arrive as {@link
 * DaemonClientException} carrying the daemon's status, error code and field, and a daemon that cannot be
 * reached as the JDK client's {@link IOException} (both wrapped in a {@code CompletionException} by
 * {@code join()}). Thread-safe; one instance can serve any number of concurrent calls over its
 * connection pool.
 *
 * <pre>{@code
 * SubmissionDaemonClient daemon = SubmissionDaemonClient.create(URI.create("http://daemon:10001"), token);
 * DaemonSubmission s = daemon.submit(request, Optional.of("nightly-2026-11-25")).toCompletableFuture().join();
 * daemon.watch(s.id(), status -> System.out.println(status.state()));
 * }</pre>
 */
public final class SubmissionDaemonClient {

    private static final ObjectMapper JSON = new ObjectMapper()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * How long a submission with uploads may take until the daemon answers: the daemon's own default
     * limit for an upload request ({@code spark-k8s.daemon.uploads.request-timeout}).
     */
    public static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;

    private SubmissionDaemonClient(URI base, String token, HttpClient http, Duration timeout) {
        Objects.requireNonNull(base, "base");
        // API paths resolve relative to the base, so a daemon behind a path prefix works too
        this.base = base.getRawPath() == null || base.getRawPath().endsWith("/") ? base
            : URI.create(base + "/");
        this.token = Objects.requireNonNull(token, "token");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * A client of the daemon at {@code base} (e.g. {@code https://daemon:10001}, or with a path prefix the
     * daemon is served under) presenting {@code token}.
     */
    public static SubmissionDaemonClient create(URI base, String token) {
        return create(base, token, defaultHttpClient().build(), Duration.ofMinutes(2));
    }

    /**
     * A client using {@code http} (for TLS settings, a proxy, an executor), each request bounded by
     * {@code timeout} (except {@link #watch}, which lasts as long as the submission).
     */
    public static SubmissionDaemonClient create(URI base, String token, HttpClient http, Duration timeout) {
        return new SubmissionDaemonClient(base, token, http, timeout);
    }

    /**
     * The HTTP client settings {@link #create(URI, String)} uses, to add TLS trust or a proxy to:
     * HTTP/1.1 (the daemon speaks nothing else, and asking for HTTP/2 over plain HTTP makes the JDK add
     * an upgrade attempt to every new connection) and a 10 s connect timeout.
     */
    public static HttpClient.Builder defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
    }

    /** The daemon's base URI. */
    public URI base() {
        return base;
    }

    /**
     * Submits {@code request}. With an idempotency key, a retry returns the submission the first call made.
     */
    public CompletionStage<DaemonSubmission> submit(DaemonSubmissionRequest request,
        Optional<String> idempotencyKey) {
        HttpRequest.Builder post = request("v1/submissions").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(write(request)));
        idempotencyKey.ifPresent(k -> post.header("Idempotency-Key", k));
        return call(post.build(), DaemonSubmission.class);
    }

    /**
     * Submits {@code request} with local files: as the daemon's multipart {@code POST /v1/submissions}
     * when {@code uploads} is not empty (as {@link #submit(DaemonSubmissionRequest, Optional)} otherwise).
     * The request names each uploaded file by its file name alone. The files are packed into tar bundles
     * while the body is sent: nothing is buffered whole and no temporary file is written. The body's length
     * is declared from the files' sizes when the call is made; a file that cannot be read or whose size
     * changes before it is sent fails the stage with {@link UploadFileException}. Such a request is
     * bounded by {@link #UPLOAD_TIMEOUT} rather than the client's timeout. With an idempotency key, a
     * retry returns the submission the first call made (the daemon answers it without staging the files
     * again).
     */
    public CompletionStage<DaemonSubmission> submit(DaemonSubmissionRequest request, DaemonUploads uploads,
        Optional<String> idempotencyKey) {
        if (uploads.isEmpty()) {
            return submit(request, idempotencyKey);
        }
        MultipartBody body;
        try {
            body = new MultipartBody(write(request), uploads);
        } catch (UploadFileException e) {
            return CompletableFuture.failedFuture(e);
        }
        // the length is declared, so the daemon can refuse a body over its limits before reading it
        HttpRequest.Builder post = request("v1/submissions").timeout(UPLOAD_TIMEOUT)
            .header("Content-Type", body.contentType())
            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body::stream),
                body.length()));
        idempotencyKey.ifPresent(k -> post.header("Idempotency-Key", k));
        return call(post.build(), DaemonSubmission.class);
    }

    /** The current status of submission {@code id}. */
    public CompletionStage<DaemonSubmission> status(String id) {
        return call(request("v1/submissions/" + encode(id)).GET().build(), DaemonSubmission.class);
    }

    /** Kills submission {@code id} (with the driver pod's own grace period); completes with its status after it. */
    public CompletionStage<DaemonSubmission> kill(String id) {
        return kill(id, Optional.empty());
    }

    /**
     * Kills submission {@code id}, deleting its driver pod with {@code gracePeriod} (whole seconds; zero deletes
     * it at once) when given, as {@code spark.kubernetes.appKillPodDeletionGracePeriod} does for the CLI's direct
     * kill; completes with its status after the kill.
     *
     * @throws IllegalArgumentException if {@code gracePeriod} is negative
     */
    public CompletionStage<DaemonSubmission> kill(String id, Optional<Duration> gracePeriod) {
        gracePeriod.filter(Duration::isNegative).ifPresent(g -> {
            throw new IllegalArgumentException("gracePeriod: " + g + " is negative; give zero or more");
        });
        String query = gracePeriod.map(g -> "?gracePeriodSeconds=" + g.toSeconds()).orElse("");
        return call(request("v1/submissions/" + encode(id) + query).DELETE().build(), DaemonSubmission.class);
    }

    /**
     * Every submission in {@code namespace} (all of the token's when empty) in one of {@code states}
     * (any when empty), oldest first, following the pages (of the daemon's default page size).
     */
    public CompletionStage<List<DaemonSubmission>> list(Optional<String> namespace, List<String> states) {
        return listFrom(namespace, states, Optional.empty(), new ArrayList<>());
    }

    private CompletionStage<List<DaemonSubmission>> listFrom(Optional<String> namespace, List<String> states,
        Optional<String> pageToken, List<DaemonSubmission> acc) {
        StringBuilder query = new StringBuilder("v1/submissions?");
        namespace.ifPresent(ns -> query.append("&namespace=").append(encode(ns)));
        states.forEach(s -> query.append("&state=").append(encode(s)));
        pageToken.ifPresent(t -> query.append("&pageToken=").append(encode(t)));
        return call(request(query.toString()).GET().build(), JsonNode.class).thenCompose(page -> {
            for (JsonNode item : page.path("items")) {
                acc.add(JSON.convertValue(item, DaemonSubmission.class));
            }
            return page.hasNonNull("nextPageToken")
                ? listFrom(namespace, states, Optional.of(page.get("nextPageToken").asText()), acc)
                : CompletableFuture.completedFuture(acc);
        });
    }

    /** The last {@code tail} lines of the driver's log. */
    public CompletionStage<String> log(String id, int tail) {
        return http.sendAsync(request("v1/submissions/" + encode(id) + "/log?tail=" + tail).GET().build(),
            HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw failure(r.statusCode(), r.body());
                }
                return r.body();
            });
    }

    /**
     * Follows submission {@code id}: {@code onStatus} gets the current status and every change; the
     * stage completes with the terminal status (or the last one seen if the stream ends early).
     */
    public CompletionStage<DaemonSubmission> watch(String id, Consumer<DaemonSubmission> onStatus) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("v1/submissions/" + encode(id) + "/events"))
            .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(r -> {
            if (r.statusCode() != 200) {
                String body;
                try (Stream<String> lines = r.body()) {
                    body = String.join("\n", lines.toList());
                }
                throw failure(r.statusCode(), body);
            }
            DaemonSubmission last = null;
            try (Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith("data:")) {
                        last = read(line.substring(5).strip().getBytes(StandardCharsets.UTF_8),
                            DaemonSubmission.class);
                        onStatus.accept(last);
                    }
                }
            }
            if (last == null) {
                throw new DaemonClientException(200, "empty_stream", null, "the event stream ended without a status");
            }
            return last;
        });
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Authorization", "Bearer " + token);
    }

    private <T> CompletionStage<T> call(HttpRequest request, Class<T> type) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() / 100 != 2) {
                throw failure(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            }
            return read(r.body(), type);
        });
    }

    private static DaemonClientException failure(int status, String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.isObject()) {
                return new DaemonClientException(status, error.path("error").asText("unknown"),
                    error.hasNonNull("field") ? error.get("field").asText() : null,
                    error.path("message").asText(body));
            }
        } catch (IOException e) {
            // not JSON: a proxy's or a server's plain answer; reported as is below
        }
        return new DaemonClientException(status, "unknown", null, body.isBlank() ? "(no body)" : body.strip());
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the daemon's answer is not what its API documents", e);
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
