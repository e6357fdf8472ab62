package io.sparkk8s.http.daemon;

import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.http.daemon.SubmissionTranslator.FieldProblem;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.client.ResourceStagingClient;
import io.sparkk8s.staging.client.StagingServerException;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.steps.DependencyPaths;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multipart {@code POST /v1/submissions}: part {@value #SUBMISSION} (the JSON of the plain POST)
 * first, then {@value #JARS} and/or {@value #FILES}, each a tar (or tar.gz) bundle of the submission's
 * local jars or files. Each bundle part is streamed, as it arrives, to the resource staging server as
 * one bundle owned by the driver pod to be; nothing is held in memory or written to the daemon's disk.
 * On the way its tar entries are checked against the names the submission gives ({@link
 * BundleContentsCheck}): a bundle must hold exactly those files. Then the submission is made under the
 * id the bundles' owner labels name, with the bundles handed to its dependency step ({@link
 * StagedUploads}). If anything fails (a part too large, a bad part, the
 * submission itself), what was staged is deleted again.
 */
final class MultipartSubmissions {

    /** The part holding the submission's JSON. */
    static final String SUBMISSION = "submission";
    /** The part holding the bundle of local jars (and a local jar primary resource). */
    static final String JARS = "jars";
    /** The part holding the bundle of local files and Python files (and a local script). */
    static final String FILES = "files";

    private static final Logger LOG = LoggerFactory.getLogger(MultipartSubmissions.class);
    /** Where the bundles' tar headers are read (one thread per bundle part while it streams). */
    static final String CHECK_DISPATCHER = UploadSettings.PATH + ".bundle-check-dispatcher";
    private static final String PARTS = "the parts are submission, then jars and/or files";
    /** Runs a continuation on the thread that completed the stage. */
    private static final Executor DIRECT = Runnable::run;

    private final SubmissionBackend backend;
    private final SubmissionTranslator translator;
    private final ResourceStagingClient staging;
    private final UploadSettings settings;
    private final long maxSubmissionSize;
    private final Materializer materializer;
    private final BundleContentsCheck contentsCheck;

    MultipartSubmissions(SubmissionBackend backend, SubmissionTranslator translator, ResourceStagingClient staging,
        UploadSettings settings, long maxSubmissionSize, Materializer materializer) {
        this.backend = backend;
        this.translator = translator;
        this.staging = staging;
        this.settings = settings;
        this.maxSubmissionSize = maxSubmissionSize;
        this.materializer = materializer;
        this.contentsCheck = new BundleContentsCheck(materializer.system().dispatchers().lookup(CHECK_DISPATCHER),
            settings.requestTimeout());
    }

    /** Largest whole multipart body: the submission part, both bundles, and room for the part headers. */
    long maxRequestSize() {
        return maxSubmissionSize + 2 * settings.maxBundleSize() + 64 * 1024;
    }

    /** A part larger than its limit: answered 413, nothing staged or created. */
    static final class PartTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PartTooLarge(String part, long limit, String setting) {
            super(part + ": the part is larger than " + limit + " bytes (" + setting + ")");
        }
    }

    /** The caller's token may not submit to the submission's namespace: 403. */
    static final class Forbidden extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Forbidden(String namespace) {
            super(namespace);
        }
    }

    /**
     * The staging server could not be reached or verified, or failed a bundle: 502, nothing created.
     * The message names the server and, for a TLS failure, the daemon's trust settings.
     */
    static final class StagingServerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StagingServerFailed(String part, URI server, Throwable cause) {
            super(message(part, server, cause), cause);
        }

        private static String message(String part, URI server, Throwable cause) {
            String prefix = "the " + part + " part could not be staged on the resource staging server " + server
                + " (" + UploadSettings.PATH + ".staging-server-uri): ";
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof SSLException) {
                    return prefix + "TLS failed (" + t.getMessage() + "); the daemon trusts the JVM's default"
                        + " certificates and those of " + StagingClientTrust.PATH + ".trust-store or "
                        + StagingClientTrust.PATH + ".trust-cert-pem; nothing was submitted";
                }
            }
            return prefix + cause.getMessage() + "; nothing was submitted";
        }
    }

    /** What the caller may do, and how to read the submission part. */
    record Caller(Function<String, Boolean> mayUse, Function<ByteString, SubmissionBody> parser) {
    }

    /**
     * Receives the parts, stages the bundles, submits; completes with the submission, or fails with
     * {@link FieldProblem} (400), {@link Forbidden}, {@link PartTooLarge}, {@link
     * SubmissionBackend.IdempotencyKeyReused} or the backend's failure, once what was staged is deleted.
     */
    CompletionStage<SubmissionBackend.Submitted> submit(RequestEntity entity, Optional<String> idempotencyKey,
        Caller caller, String requestId) {
        Received received = new Received();
        // The *Async variants on the calling thread: on the stages Pekko returns, the plain ones run on the
        // common pool, which on a machine of 2 cores or fewer starts a new thread for every task.
        return Unmarshaller.entityToMultipartFormData().unmarshal(entity, materializer)
            .exceptionallyAsync(e -> {
                throw new CompletionException(problem("body", "not a multipart/form-data body: "
                    + unwrap(e).getMessage() + "; " + PARTS));
            }, DIRECT)
            .thenCompose(form -> form.getParts()
                .mapAsync(1, part -> onPart(part, received, idempotencyKey, caller, requestId))
                .runWith(Sink.ignore(), materializer))
            .handle((done, failure) -> Optional.ofNullable(failure).map(MultipartSubmissions::unwrap))
            .thenCompose(failure -> {
                if (failure.isPresent()) {
                    return discard(received, requestId, received.tooLarge != null ? received.tooLarge
                        : failure.get());
                }
                if (received.replayed != null) {
                    return CompletableFuture.completedFuture(received.replayed);
                }
                if (received.request == null) {
                    return discard(received, requestId, problem(SUBMISSION, "the part with the submission's JSON is"
                        + " missing; " + PARTS));
                }
                StagedUploads uploads = received.uploads;
                if (!uploads.jarNames().isEmpty() && uploads.jars().isEmpty()) {
                    return discard(received, requestId, problem(JARS, "missing: the submission names the uploaded"
                        + " jars " + uploads.jarNames() + "; send them as a tar bundle in a 'jars' part"));
                }
                if (!uploads.fileNames().isEmpty() && uploads.files().isEmpty()) {
                    return discard(received, requestId, problem(FILES, "missing: the submission names the uploaded"
                        + " files " + uploads.fileNames() + "; send them as a tar bundle in a 'files' part"));
                }
                String uri = settings.internalUri();
                return backend.submit(received.request, idempotencyKey, new SubmissionBackend.Staged(
                        received.submissionId, uploads, uri, settings.trust()))
                    .handle((submitted, e) -> e == null ? CompletableFuture.completedFuture(submitted)
                        : discard(received, requestId, unwrap(e)))
                    .thenCompose(outcome -> outcome)
                    // Another request with the key made the submission first (another replica): it keeps its own
                    // bundles, these go.
                    .thenCompose(submitted -> submitted.created() ? CompletableFuture.completedFuture(submitted)
                        : uploads.deleteAll(requestId).thenApply(none -> submitted));
            });
    }

    private CompletionStage<Done> onPart(Multipart.FormData.BodyPart part, Received received,
        Optional<String> idempotencyKey, Caller caller, String requestId) {
        String name = part.getName();
        switch (name) {
            case SUBMISSION:
                if (received.request != null || received.replayed != null || received.bundles > 0) {
                    throw problem(SUBMISSION, "given twice or after a bundle; it must be the first part, once");
                }
                return part.getEntity().getDataBytes()
                    .via(limit(SUBMISSION, maxSubmissionSize, DaemonSettings.PATH + ".max-request-size", received))
                    .runFold(ByteString.emptyByteString(), ByteString::concat, materializer)
                    .thenComposeAsync(bytes -> accept(translator.translate(caller.parser().apply(bytes), true),
                        received, idempotencyKey, caller), DIRECT);
            case JARS:
            case FILES:
                if (received.request == null && received.replayed == null) {
                    throw problem(name, "came before the submission part; " + PARTS);
                }
                if (received.replayed != null) {
                    return part.getEntity().discardBytes(materializer).completionStage();
                }
                boolean jars = name.equals(JARS);
                Set<String> names = jars ? received.uploads.jarNames() : received.uploads.fileNames();
                if (names.isEmpty()) {
                    throw problem(name, "no entry of the submission names a file of this bundle; name the uploaded "
                        + name + " by their file names (e.g. \"jars\": [\"dep.jar\"])");
                }
                if ((jars ? received.uploads.jars() : received.uploads.files()).isPresent()) {
                    throw problem(name, "given twice; send one bundle per part");
                }
                received.bundles++;
                StagedResourcesOwner owner = new StagedResourcesOwner(received.namespace, received.ownerLabels,
                    StagedResourcesOwner.POD);
                // The bundle's tar entries are checked against the names as it streams through (see
                // BundleContentsCheck): the verdict comes with the part's end, or earlier with the upload aborted.
                CompletableFuture<Optional<FieldProblem>> verdict = new CompletableFuture<>();
                return staging.upload(part.getEntity().getDataBytes()
                        .via(limit(name, settings.maxBundleSize(), UploadSettings.PATH + ".max-bundle-size", received))
                        .viaMat(contentsCheck.flow(name, jars ? received.jarFields : received.fileFields), Keep.right())
                        .mapMaterializedValue(checked -> {
                            checked.whenComplete((problem, e) -> {
                                if (e != null) {
                                    verdict.completeExceptionally(e);
                                } else {
                                    verdict.complete(problem);
                                }
                            });
                            return NotUsed.getInstance();
                        }), owner)
                    .handle((bundle, e) -> {
                        if (e == null) {
                            if (jars) {
                                received.uploads.jarsStaged(bundle);
                            } else {
                                received.uploads.filesStaged(bundle);
                            }
                            LOG.info("request {}: staged the {} part as bundle {} for submission {}", requestId, name,
                                bundle.resourceId(), received.submissionId);
                            // staged, so deleted again if the check finds a problem
                            return verdict.thenApply(problem -> {
                                if (problem.isPresent()) {
                                    throw problem.get();
                                }
                                return Done.getInstance();
                            });
                        }
                        Throwable cause = unwrap(e);
                        Optional<FieldProblem> found = verdict.isDone() && !verdict.isCompletedExceptionally()
                            ? verdict.join() : Optional.empty();
                        if (found.isPresent() && received.tooLarge == null) {
                            // the check stopped the upload
                            throw found.get();
                        }
                        if (cause instanceof PartTooLarge || refusedForSize(cause) || received.tooLarge != null
                            || cause instanceof EntityStreamException || cause instanceof EntityStreamSizeException) {
                            // the request's side failed, not the staging server
                            throw new CompletionException(cause);
                        }
                        throw new StagingServerFailed(name, settings.stagingServer().orElseThrow(), cause);
                    })
                    .thenCompose(Function.identity());
            default:
                throw problem(name.isEmpty() ? "body" : name, "unknown part '" + name + "'; " + PARTS);
        }
    }

    private CompletionStage<Done> accept(SubmissionRequest request, Received received, Optional<String> key,
        Caller caller) {
        String namespace = request.sparkConf().get(DriverResourceNames.NAMESPACE_KEY).orElse("default");
        if (!caller.mayUse().apply(namespace)) {
            throw new Forbidden(namespace);
        }
        // each uploaded name, with the submission field that gives it (for the bundle check's messages)
        Map<String, String> jarNames = new LinkedHashMap<>();
        Map<String, String> fileNames = new LinkedHashMap<>();
        if (DependencyPaths.kind(request.primaryResource()) == DependencyPaths.Kind.SUBMITTER_LOCAL) {
            (request.applicationType() == SubmissionRequest.ApplicationType.JAVA ? jarNames : fileNames)
                .put(request.primaryResource(), "primaryResource");
        }
        uploaded(request, "spark.jars", "jars", jarNames);
        uploaded(request, "spark.files", "files", fileNames);
        uploaded(request, "spark.submit.pyFiles", "pyFiles", fileNames);
        // as the direct path stages them: local archives travel in the files bundle
        uploaded(request, "spark.archives", "archives", fileNames);
        received.jarFields = Collections.unmodifiableMap(jarNames);
        received.fileFields = Collections.unmodifiableMap(fileNames);
        received.submissionId = DriverResourceNames.newAppId();
        received.namespace = namespace;
        received.ownerLabels = Map.of(DriverLabelsStep.APP_ID_LABEL, received.submissionId,
            DriverLabelsStep.ROLE_LABEL, "driver");
        received.uploads = new StagedUploads(staging, namespace, received.ownerLabels, jarNames.keySet(),
            fileNames.keySet());
        if (key.isEmpty()) {
            received.request = request;
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        // A replay is answered before anything is staged again.
        return backend.replay(request, key.get()).thenApply(earlier -> {
            if (earlier.isPresent()) {
                received.replayed = earlier.get();
            } else {
                received.request = request;
            }
            return Done.getInstance();
        });
    }

    private static void uploaded(SubmissionRequest request, String key, String field, Map<String, String> names) {
        for (String entry : request.sparkConf().get(key).orElse("").split(",")) {
            String e = key.equals("spark.archives") ? entry.strip().replaceFirst("#[^/]*$", "") : entry.strip();
            if (!e.isEmpty() && DependencyPaths.kind(e) == DependencyPaths.Kind.SUBMITTER_LOCAL) {
                names.putIfAbsent(e, field);
            }
        }
    }

    private CompletionStage<SubmissionBackend.Submitted> discard(Received received, String requestId,
        Throwable failure) {
        StagedUploads uploads = received.uploads;
        CompletionStage<Void> deleted = uploads == null ? CompletableFuture.completedFuture(null)
            : uploads.deleteAll(requestId);
        return deleted.thenCompose(none -> CompletableFuture.failedFuture(failure));
    }

    /** Fails the stream when more than {@code max} bytes pass, recording it so the answer is 413. */
    private static Flow<ByteString, ByteString, NotUsed> limit(String part, long max, String setting,
        Received received) {
        return Flow.<ByteString>create().statefulMapConcat(() -> {
            AtomicLong seen = new AtomicLong();
            return chunk -> {
                if (seen.addAndGet(chunk.size()) > max) {
                    PartTooLarge tooLarge = new PartTooLarge(part, max, setting);
                    received.tooLarge = tooLarge;
                    throw tooLarge;
                }
                return List.of(chunk);
            };
        });
    }

    /** Whether {@code failure} means the staging server refused a bundle for its size. */
    static boolean refusedForSize(Throwable failure) {
        return failure instanceof StagingServerException s && s.status() == 413;
    }

    private static FieldProblem problem(String field, String message) {
        return new FieldProblem(List.of(new FieldProblem.Problem(field, message)));
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** What arrived so far; touched by one part at a time (mapAsync of 1). */
    private static final class Received {
        volatile SubmissionRequest request;
        volatile SubmissionBackend.Submitted replayed;
        volatile String submissionId;
        volatile String namespace;
        volatile Map<String, String> ownerLabels;
        volatile StagedUploads uploads;
        volatile int bundles;
        volatile RuntimeException tooLarge;
        volatile Map<String, String> jarFields;
        volatile Map<String, String> fileFields;
    }
}
