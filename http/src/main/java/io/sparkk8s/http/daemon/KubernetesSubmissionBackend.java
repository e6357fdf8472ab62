package io.sparkk8s.http.daemon;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sparkk8s.actors.api.SparkKubernetesSubmitter;
import io.sparkk8s.actors.api.SubmissionHandle;
import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.actors.api.UnknownSubmissionException;
import io.sparkk8s.actors.api.DriverPodObservation;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.steps.BaseDriverPodStep;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's backend on a real cluster: submits through {@link SparkKubernetesSubmitter}; reads
 * submissions from their driver pods (labels {@code spark-role=driver}, {@code spark-app-selector=<id>},
 * annotation {@value SubmissionTranslator#APP_NAME_ANNOTATION}), so nothing lives only in the daemon.
 * An idempotency key is kept as a label on the driver pod ({@value #IDEMPOTENCY_LABEL}, a digest of the
 * key), so a retried POST finds the pod the first one created, whichever replica served it.
 */
public final class KubernetesSubmissionBackend implements SubmissionBackend, AutoCloseable {

    /** How long a list request waits for a new driver-pod informer's first list by default. */
    public static final Duration DEFAULT_INFORMER_SYNC_TIMEOUT = Duration.ofSeconds(10);

    /** Label holding the digest of a submission's idempotency key. */
    public static final String IDEMPOTENCY_LABEL = "spark-k8s.io/idempotency-key";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSubmissionBackend.class);
    private static final String DRIVER_POD_NAME_KEY = "spark.kubernetes.driver.pod.name";
    private static final String STAGING_URI_KEY = "spark.kubernetes.resourceStagingServer.uri";
    private static final String STAGING_INTERNAL_URI_KEY = "spark.kubernetes.resourceStagingServer.internal.uri";

    private final SparkKubernetesSubmitter submitter;
    private final KubernetesClient client;
    private final Executor blocking;
    private final Duration pollInterval;
    private final DaemonMetrics metrics;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final DriverPodCache listed;

    /**
     * @param submitter submits
     * @param client reads and deletes driver pods
     * @param blocking where the client's blocking calls run
     * @param pollInterval how often events of a submission made elsewhere are re-read
     * @param metrics counts API errors
     */
    public KubernetesSubmissionBackend(SparkKubernetesSubmitter submitter, KubernetesClient client, Executor blocking,
        Duration pollInterval, DaemonMetrics metrics) {
        this(submitter, client, blocking, pollInterval, metrics, DEFAULT_INFORMER_SYNC_TIMEOUT);
    }

    /**
     * @param submitter submits
     * @param client reads, watches and deletes driver pods
     * @param blocking where the client's blocking calls run
     * @param pollInterval how often events of a submission made elsewhere are re-read
     * @param metrics counts API errors
     * @param informerSyncTimeout how long the first list of a namespace waits for its driver-pod informer to
     *     sync before it lists the pods directly
     */
    public KubernetesSubmissionBackend(SparkKubernetesSubmitter submitter, KubernetesClient client, Executor blocking,
        Duration pollInterval, DaemonMetrics metrics, Duration informerSyncTimeout) {
        this.listed = new DriverPodCache(client, informerSyncTimeout);
        this.submitter = submitter;
        this.client = client;
        this.blocking = blocking;
        this.pollInterval = pollInterval;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> idempotencyKey) {
        return submit(request, idempotencyKey, submitter::submit);
    }

    @Override
    public CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> idempotencyKey,
        Staged staged) {
        return submit(request, idempotencyKey, r -> submitter.submit(new SubmissionRequest(r.master(), r.mainClass(),
            r.appName(), r.primaryResource(), r.appArgs(), withStaging(r.sparkConf(), staged), r.proxyUser(),
            r.verbose()), staged.submissionId(), staged.stager()));
    }

    /**
     * The daemon's staging server and, when the daemon has its own trust for it, that trust in place of any
     * the request gave: the bundles are on the daemon's server, which the daemon knows how to verify.
     */
    static SparkConf withStaging(SparkConf conf, Staged staged) {
        SparkConf result = conf;
        if (!staged.trust().isDefault()) {
            for (String key : conf.asMap().keySet()) {
                if (StagingClientTrust.isTrustKey(key)) {
                    result = result.without(key);
                }
            }
            result = result.withAll(staged.trust().submissionConf());
        }
        return result.with(STAGING_URI_KEY, staged.stagingServerUri())
            .with(STAGING_INTERNAL_URI_KEY, staged.stagingServerUri());
    }

    @Override
    public CompletionStage<Optional<Submitted>> replay(SubmissionRequest request, String idempotencyKey) {
        String namespace = namespace(request);
        String digest = RequestDigest.of(request);
        return byKey(namespace, keyDigest(namespace, idempotencyKey)).thenApply(pod -> pod.map(p -> replayOf(p,
            digest)));
    }

    private CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> idempotencyKey,
        Function<SubmissionRequest, CompletionStage<SubmissionHandle>> submitCall) {
        String namespace = namespace(request);
        String requestDigest = RequestDigest.of(request);
        SubmissionRequest annotated = withDriverMetadata(withDriverMetadata(request, "annotation."
            + SubmissionTranslator.APP_NAME_ANNOTATION, request.appName()), "annotation." + RequestDigest.ANNOTATION,
            requestDigest);
        if (idempotencyKey.isEmpty()) {
            return submitCall.apply(annotated).thenApply(h -> new Submitted(justCreated(h, request), true));
        }
        String digest = keyDigest(namespace, idempotencyKey.get());
        SubmissionRequest keyed = withDriverMetadata(annotated, "label." + IDEMPOTENCY_LABEL, digest);
        if (!keyed.sparkConf().contains(DRIVER_POD_NAME_KEY)) {
            // The pod name follows from the key: when two replicas race with one key, the API server lets
            // one create the pod (names are unique) and the other finds it below.
            keyed = new SubmissionRequest(keyed.master(), keyed.mainClass(), keyed.appName(),
                keyed.primaryResource(), keyed.appArgs(), keyed.sparkConf().with(DRIVER_POD_NAME_KEY,
                    keyedPodName(keyed.appName(), digest)), keyed.proxyUser(), keyed.verbose());
        }
        SubmissionRequest toSubmit = keyed;
        String slot = namespace + "/" + digest;
        InFlight mine = new InFlight(requestDigest, new CompletableFuture<>());
        InFlight running = inFlight.putIfAbsent(slot, mine);
        if (running != null) {
            if (!running.requestDigest().equals(requestDigest)) {
                return CompletableFuture.failedFuture(new IdempotencyKeyReused("a submission still in progress"));
            }
            return running.result().thenApply(s -> new Submitted(s.status(), false));
        }
        byKey(namespace, digest)
            .thenCompose(existing -> existing.isPresent()
                ? CompletableFuture.completedFuture(replayOf(existing.get(), requestDigest))
                : submitCall.apply(toSubmit).thenApply(h -> new Submitted(justCreated(h, request), true))
                    .exceptionallyCompose(e -> byKey(namespace, digest).thenApply(winner -> winner
                        .map(pod -> replayOf(pod, requestDigest))
                        .orElseThrow(() -> e instanceof CompletionException ce ? ce : new CompletionException(e)))))
            .whenComplete((result, failure) -> {
                inFlight.remove(slot, mine);
                if (failure != null) {
                    mine.result().completeExceptionally(unwrap(failure));
                } else {
                    mine.result().complete(result);
                }
            });
        return mine.result();
    }

    /** The earlier submission {@code pod} belongs to, if it was made from the request with {@code requestDigest}. */
    private static Submitted replayOf(Pod pod, String requestDigest) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
            : pod.getMetadata().getAnnotations();
        String earlier = annotations.get(RequestDigest.ANNOTATION);
        SubmissionStatus status = status(pod);
        // A pod made before the digest was kept has none: it cannot be compared, so it is taken as the same.
        if (earlier != null && !earlier.equals(requestDigest)) {
            throw new IdempotencyKeyReused("submission " + status.submissionId());
        }
        return new Submitted(status, false);
    }

    private CompletionStage<Optional<Pod>> byKey(String namespace, String digest) {
        return blockingCall(() -> client.pods().inNamespace(namespace).withLabel(IDEMPOTENCY_LABEL, digest)
            .withLabel(DriverLabelsStep.ROLE_LABEL, "driver").list().getItems())
            .thenApply(pods -> pods.stream().findFirst());
    }

    private static String namespace(SubmissionRequest request) {
        return request.sparkConf().get("spark.kubernetes.namespace").orElse("default");
    }

    private static String keyDigest(String namespace, String key) {
        return digest(namespace + "\n" + key);
    }

    private record InFlight(String requestDigest, CompletableFuture<Submitted> result) {
    }

    private static String keyedPodName(String appName, String digest) {
        String name = appName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-+", "-").replaceAll("^[-0-9]+", "");
        name = name.substring(0, Math.min(name.length(), 30)).replaceAll("-+$", "");
        return (name.isEmpty() ? "spark" : name) + "-" + digest.substring(0, 20) + "-driver";
    }

    /**
     * The status of a submission this daemon just made, built from the runtime's handle rather than asked of
     * the runtime, whose supervisor is busiest exactly when many submissions arrive (the ask cost the
     * benchmark about a tenth of its REST throughput). Its driver pod exists now, and the API server creates
     * every pod in phase Pending, so the state is PENDING.
     */
    private static SubmissionStatus justCreated(SubmissionHandle handle, SubmissionRequest request) {
        return new SubmissionStatus(handle.submissionId(), request.appName(), handle.namespace(),
            handle.driverPodName(), SubmissionState.PENDING, Optional.empty(), Optional.empty(), Optional.empty(),
            Instant.now());
    }

    @Override
    public CompletionStage<Optional<SubmissionStatus>> find(String id, Set<String> namespaces) {
        return submitter.status(id).thenApply(Optional::of)
            .exceptionally(e -> Optional.empty())
            .thenCompose(known -> {
                if (known.isPresent() && (namespaces.contains("*") || namespaces.contains(known.get().namespace()))
                    && known.get().state() == SubmissionState.SUBMITTED) {
                    return CompletableFuture.completedFuture(known);
                }
                return blockingCall(() -> lookedUpPods(namespaces, Map.of(DriverLabelsStep.APP_ID_LABEL, id)))
                    .thenApply(pods -> pods.stream().findFirst().map(KubernetesSubmissionBackend::status)
                        .or(() -> known.filter(k -> namespaces.contains("*") || namespaces.contains(k.namespace()))));
            });
    }

    @Override
    public CompletionStage<Page> list(Query query) {
        return blockingCall(() -> listedPods(query.namespaces(), query.labels())).thenApply(pods -> {
            List<Paging.Keyed<SubmissionStatus>> keyed = new ArrayList<>();
            for (Pod pod : pods) {
                SubmissionStatus s = status(pod);
                if (query.states().isEmpty() || query.states().contains(s.state())) {
                    keyed.add(new Paging.Keyed<>(pod.getMetadata().getCreationTimestamp() + "|"
                        + pod.getMetadata().getNamespace() + "|" + pod.getMetadata().getName(), s));
                }
            }
            Paging.Page<SubmissionStatus> page = Paging.page(keyed, query.limit(), query.pageToken());
            return new Page(page.items(), page.nextToken());
        });
    }

    @Override
    public CompletionStage<SubmissionStatus> kill(SubmissionStatus current, OptionalLong gracePeriodSeconds) {
        if (gracePeriodSeconds.isEmpty()) {
            return kill(current);
        }
        // The Java API's kill deletes with the pod's own grace period. Deleting with the requested one first
        // decides it: the API server may only shorten a pending graceful deletion, so the runtime's delete that
        // follows leaves it as it is and only ends the submission in the runtime's books.
        return blockingCall(() -> client.pods().inNamespace(current.namespace()).withName(current.driverPodName())
            .withGracePeriod(gracePeriodSeconds.getAsLong()).delete())
            .thenCompose(deleted -> kill(current));
    }

    private CompletionStage<SubmissionStatus> kill(SubmissionStatus current) {
        if (current.state().isTerminal()) {
            // As the CLI's direct kill: the finished driver pod is deleted too (it holds the log and the
            // outcome until then); the answer keeps the outcome it had.
            return blockingCall(() -> client.pods().inNamespace(current.namespace())
                .withName(current.driverPodName()).delete())
                .thenApply(deleted -> current);
        }
        return submitter.kill(current.submissionId()).exceptionallyCompose(e -> {
            if (!(unwrap(e) instanceof UnknownSubmissionException)) {
                return CompletableFuture.failedFuture(e);
            }
            return blockingCall(() -> client.pods().inNamespace(current.namespace())
                .withName(current.driverPodName()).delete())
                .thenApply(deleted -> current.with(SubmissionState.KILLED, Optional.empty(), Optional.of("Killed"),
                    Optional.of("the driver pod was deleted on request")));
        });
    }

    @Override
    public Source<SubmissionStatus, NotUsed> events(SubmissionStatus current) {
        Source<SubmissionStatus, NotUsed> polled = Source.tick(Duration.ZERO, pollInterval, "tick")
            .mapAsync(1, t -> find(current.submissionId(), Set.of(current.namespace()))
                .thenApply(found -> found.orElseGet(() -> current.with(SubmissionState.KILLED, Optional.empty(),
                    Optional.of("DriverPodDeleted"), Optional.of("the driver pod is gone")))))
            .statefulMapConcat(() -> {
                SubmissionStatus[] last = new SubmissionStatus[1];
                return s -> {
                    if (s.sameAs(last[0])) {
                        return List.of();
                    }
                    last[0] = s;
                    return List.of(s);
                };
            })
            .takeWhile(s -> !s.state().isTerminal(), true)
            .mapMaterializedValue(c -> NotUsed.notUsed());
        if (current.state().isTerminal()) {
            return Source.single(current);
        }
        return Source.completionStage(submitter.status(current.submissionId()).thenApply(s -> true)
                .exceptionally(e -> false))
            .flatMapConcat(known -> known ? submitter.watch(current.submissionId()) : polled);
    }

    @Override
    public CompletionStage<String> log(SubmissionStatus current, int tail) {
        return blockingCall(() -> client.pods().inNamespace(current.namespace()).withName(current.driverPodName())
            .inContainer(BaseDriverPodStep.DRIVER_CONTAINER_NAME).tailingLines(tail).getLog());
    }

    @Override
    public CompletionStage<Boolean> ready() {
        return blockingCall(() -> client.getKubernetesVersion() != null).exceptionally(e -> false);
    }

    /**
     * The driver pods with {@code labels} in {@code namespaces}, from the informers of {@link DriverPodCache}:
     * a namespace the daemon may not read answers with the API server's refusal, as a direct list would.
     */
    private List<Pod> listedPods(Set<String> namespaces, Map<String, String> labels) {
        if (namespaces.contains(DriverPodCache.ALL_NAMESPACES)) {
            return listed.driverPods(DriverPodCache.ALL_NAMESPACES, labels);
        }
        List<Pod> pods = new ArrayList<>();
        for (String ns : namespaces) {
            pods.addAll(listed.driverPods(ns, labels));
        }
        return pods;
    }

    /** Stops the driver-pod informers the lists started; the submitter and client are the caller's. */
    @Override
    public void close() {
        listed.close();
    }

    /**
     * The driver pods with {@code labels} in {@code namespaces}, listed from the API server now (looking up one
     * id): a namespace the daemon may not read holds none of its submissions.
     */
    private List<Pod> lookedUpPods(Set<String> namespaces, Map<String, String> labels) {
        if (namespaces.contains(DriverPodCache.ALL_NAMESPACES)) {
            return listed.directList(DriverPodCache.ALL_NAMESPACES, labels);
        }
        List<Pod> pods = new ArrayList<>();
        for (String ns : namespaces) {
            try {
                pods.addAll(listed.directList(ns, labels));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw e;
                }
                LOG.warn("the daemon may not list pods in namespace {} (see deploy/daemon/rbac.yaml);"
                    + " a token names it: {}", ns, e.getMessage());
            }
        }
        return pods;
    }

    /** The status a driver pod shows. */
    static SubmissionStatus status(Pod pod) {
        return DriverPodObservation.status(pod);
    }

    private <T> CompletionStage<T> blockingCall(Supplier<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                metrics.apiError();
                throw e;
            }
        }, blocking);
    }

    private static SubmissionRequest withDriverMetadata(SubmissionRequest r, String kind, String value) {
        return new SubmissionRequest(r.master(), r.mainClass(), r.appName(), r.primaryResource(), r.appArgs(),
            r.sparkConf().with("spark.kubernetes.driver." + kind, value), r.proxyUser(), r.verbose());
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 63);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
