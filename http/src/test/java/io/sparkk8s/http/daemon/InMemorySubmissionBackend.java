package io.sparkk8s.http.daemon;

import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.staging.SubmittedResourceIdAndSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A backend that keeps submissions in memory, for the route tests; the Kubernetes backend is tested
 * against the real API server in it/.
 */
final class InMemorySubmissionBackend implements SubmissionBackend {

    final Map<String, SubmissionStatus> submissions = new ConcurrentHashMap<>();
    final Map<String, SubmissionRequest> requests = new ConcurrentHashMap<>();
    final Map<String, String> idempotency = new ConcurrentHashMap<>();
    final Map<String, String> created = new ConcurrentHashMap<>();
    final Map<String, String> digests = new ConcurrentHashMap<>();
    final Map<String, List<SubmittedResourceIdAndSecret>> stagedBundles = new ConcurrentHashMap<>();
    /** What each staged submission was handed besides its bundles (staging URI, trust), by id. */
    final Map<String, Staged> staged = new ConcurrentHashMap<>();
    /** The grace period each kill was given, by submission id. */
    final Map<String, OptionalLong> killGracePeriods = new ConcurrentHashMap<>();
    final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    volatile Throwable failNextSubmit;

    @Override
    public synchronized CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> key) {
        return submit(request, key, "spark-" + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * As the Kubernetes backend, hands the staged bundles over through the stager as the dependency step
     * would: the jars bundle for the local jars, the files bundle for the local files.
     */
    @Override
    public synchronized CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> key,
        Staged staged) {
        StagedUploads uploads = (StagedUploads) staged.stager();
        try {
            Optional<Submitted> earlier = earlier(request, key);
            if (earlier.isPresent()) {
                return CompletableFuture.completedFuture(earlier.get());
            }
        } catch (IdempotencyKeyReused e) {
            return CompletableFuture.failedFuture(e);
        }
        String ns = request.sparkConf().get("spark.kubernetes.namespace").orElse("default");
        Map<String, String> owner = Map.of("spark-app-selector", staged.submissionId(), "spark-role", "driver");
        List<SubmittedResourceIdAndSecret> handed = new ArrayList<>();
        for (var names : List.of(uploads.jarNames(), uploads.fileNames())) {
            if (!names.isEmpty()) {
                handed.add(uploads.uploadResources(names.stream().map(java.nio.file.Path::of).toList(), ns, owner)
                    .toCompletableFuture().join());
            }
        }
        return submit(request, key, staged.submissionId()).thenApply(s -> {
            stagedBundles.put(s.status().submissionId(), handed);
            this.staged.put(s.status().submissionId(), staged);
            return s;
        });
    }

    @Override
    public synchronized CompletionStage<Optional<Submitted>> replay(SubmissionRequest request, String key) {
        try {
            return CompletableFuture.completedFuture(earlier(request, Optional.of(key)));
        } catch (IdempotencyKeyReused e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Optional<Submitted> earlier(SubmissionRequest request, Optional<String> key) {
        String ns = request.sparkConf().get("spark.kubernetes.namespace").orElse("default");
        if (key.isEmpty() || !idempotency.containsKey(ns + "/" + key.get())) {
            return Optional.empty();
        }
        String id = idempotency.get(ns + "/" + key.get());
        if (!digests.get(id).equals(RequestDigest.of(request))) {
            throw new IdempotencyKeyReused("submission " + id);
        }
        return Optional.of(new Submitted(submissions.get(id), false));
    }

    private CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> key, String id) {
        String ns = request.sparkConf().get("spark.kubernetes.namespace").orElse("default");
        try {
            Optional<Submitted> earlier = earlier(request, key);
            if (earlier.isPresent()) {
                return CompletableFuture.completedFuture(earlier.get());
            }
        } catch (IdempotencyKeyReused e) {
            return CompletableFuture.failedFuture(e);
        }
        Throwable failure = failNextSubmit;
        if (failure != null) {
            failNextSubmit = null;
            return failure instanceof NeverAnswers ? new CompletableFuture<>()
                : CompletableFuture.failedFuture(failure);
        }
        submits.incrementAndGet();
        SubmissionStatus status = add(id, request.appName(), ns, SubmissionState.PENDING);
        requests.put(id, request);
        digests.put(id, RequestDigest.of(request));
        key.ifPresent(k -> idempotency.put(ns + "/" + k, id));
        return CompletableFuture.completedFuture(new Submitted(status, true));
    }

    SubmissionStatus add(String id, String name, String ns, SubmissionState state) {
        SubmissionStatus status = new SubmissionStatus(id, name, ns, name + "-driver", state, Optional.empty(),
            Optional.empty(), Optional.empty(), Instant.now());
        submissions.put(id, status);
        created.put(id, String.format("%08d", sequence.incrementAndGet()));
        return status;
    }

    /** Put in {@link #failNextSubmit} to have the next submit never complete. */
    static final class NeverAnswers extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public CompletionStage<Optional<SubmissionStatus>> find(String id, Set<String> namespaces) {
        return CompletableFuture.completedFuture(Optional.ofNullable(submissions.get(id))
            .filter(s -> namespaces.contains("*") || namespaces.contains(s.namespace())));
    }

    @Override
    public CompletionStage<Page> list(Query query) {
        List<Paging.Keyed<SubmissionStatus>> keyed = new ArrayList<>();
        submissions.forEach((id, s) -> {
            if ((query.namespaces().contains("*") || query.namespaces().contains(s.namespace()))
                && (query.states().isEmpty() || query.states().contains(s.state()))
                && query.labels().entrySet().stream().allMatch(e -> e.getKey().equals("app")
                    && e.getValue().equals(s.appName()))) {
                keyed.add(new Paging.Keyed<>(created.get(id), s));
            }
        });
        Paging.Page<SubmissionStatus> page = Paging.page(keyed, query.limit(), query.pageToken());
        return CompletableFuture.completedFuture(new Page(page.items(), page.nextToken()));
    }

    @Override
    public CompletionStage<SubmissionStatus> kill(SubmissionStatus current, OptionalLong gracePeriodSeconds) {
        killGracePeriods.put(current.submissionId(), gracePeriodSeconds);
        SubmissionStatus killed = current.with(SubmissionState.KILLED, Optional.empty(), Optional.of("Killed"),
            Optional.empty());
        submissions.put(current.submissionId(), killed);
        return CompletableFuture.completedFuture(killed);
    }

    @Override
    public Source<SubmissionStatus, NotUsed> events(SubmissionStatus current) {
        return Source.from(List.of(current,
            current.with(SubmissionState.RUNNING, Optional.empty(), Optional.empty(), Optional.empty()),
            current.with(SubmissionState.SUCCEEDED, Optional.of(0), Optional.of("Completed"), Optional.empty())));
    }

    @Override
    public CompletionStage<String> log(SubmissionStatus current, int tail) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= tail; i++) {
            out.append("line ").append(i).append('\n');
        }
        return CompletableFuture.completedFuture(out.toString());
    }

    @Override
    public CompletionStage<Boolean> ready() {
        return CompletableFuture.completedFuture(true);
    }
}
