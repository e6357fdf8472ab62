package io.sparkk8s.actors.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.actors.runtime.DriverStepPlanner;
import io.sparkk8s.actors.runtime.Fabric8KubernetesOperations;
import io.sparkk8s.actors.runtime.KubernetesOperations;
import io.sparkk8s.actors.runtime.SubmissionRuntimeSettings;
import io.sparkk8s.actors.runtime.SubmissionSupervisor;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.staging.PlainStages;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.staging.ResourceStager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Submits Spark applications to Kubernetes from inside a JVM: the Java API for schedulers. One
 * submitter runs thousands of submissions at once; each {@link #submit} builds the driver's resources
 * (the same configuration steps as {@code spark-submit}), creates them, and follows the driver pod
 * through one shared informer per namespace.
 *
 * <pre>{@code
 * try (SparkKubernetesSubmitter submitter = SparkKubernetesSubmitter.builder().build()) {
 *     SubmissionHandle handle = submitter.submit(request).toCompletableFuture().join();
 *     submitter.watch(handle.submissionId())
 *         .runForeach(status -> System.out.println(status), submitter.actorSystem());
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe and non-blocking except {@link #close()}. Failures arrive as
 * exceptionally completed stages: {@link SubmissionRejectedException} (queue full, closed), {@link
 * SubmissionFailedException} (invalid configuration, the API server refused a resource, retries
 * exhausted, killed before creation; nothing is left on the server), {@link
 * UnknownSubmissionException}.
 *
 * <p>Nothing lives only in memory: every driver pod records its submission (labels {@code
 * spark-role=driver}, {@code spark-app-selector=<id>}, annotation {@code spark-k8s.io/app-name}), so a
 * submitter started after a restart of the JVM answers {@link #status}, {@link #watch} and {@link #kill} for
 * the ids an earlier one returned (it looks an id it does not know up on the API server), and {@link #list}
 * shows the earlier submissions of the namespaces it recovers at start ({@link Builder#recoverNamespaces}).
 * What the API server does not keep is lost: a submission that had not created its driver pod yet, and the
 * outcome of one whose driver pod was deleted.
 *
 * <p>Transient API errors (connection refused, timeouts, 5xx, 429) are retried with exponential
 * backoff and jitter; at most {@code maxInFlight} submissions talk to the API server at once, up to
 * {@code maxQueued} more wait. Settings come from {@code sparkk8s.actors.submission} in the
 * configuration (see the module's {@code reference.conf}), overridable in the {@link Builder}.
 */
public final class SparkKubernetesSubmitter implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int WATCH_BUFFER = 64;

    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final KubernetesClient client;
    private final ActorRef<SubmissionSupervisor.Command> supervisor;
    private final SubmissionRuntimeSettings settings;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, ResourceStager> requestStagers;

    private SparkKubernetesSubmitter(ActorSystem<?> system, boolean ownsSystem, KubernetesClient client,
        KubernetesOperations operations, SubmissionRuntimeSettings settings, DriverStepPlanner planner,
        Map<String, ResourceStager> requestStagers) {
        this.system = system;
        this.ownsSystem = ownsSystem;
        this.client = client;
        this.settings = settings;
        this.requestStagers = requestStagers;
        this.supervisor = system.systemActorOf(SubmissionSupervisor.create(operations, settings, planner),
            "spark-k8s-submitter-" + INSTANCES.incrementAndGet(), Props.empty());
    }

    /** A builder with the defaults: the client from kubeconfig or the pod's service account, settings from config. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Submits {@code request}. The stage completes with the handle once the driver pod and its other
     * resources exist on the API server, or exceptionally with a {@link SubmissionException}. The
     * cluster is the submitter's client's; {@code request.master()} is not consulted.
     */
    public CompletionStage<SubmissionHandle> submit(SubmissionRequest request) {
        return submit(request, DriverResourceNames.newAppId());
    }

    /**
     * Submits {@code request} under an id of the caller's choosing, so that a scheduler can submit the
     * same application again after a crash without creating it twice: the resources' names derive
     * from the id, and objects that already exist with this id's {@code spark-app-selector} label are
     * adopted rather than duplicated. Within one submitter an id can be submitted once.
     *
     * @param submissionId the application id: at most 63 lower-case letters, digits and '-', starting
     *     and ending with a letter or digit (a label value and part of object names); {@code
     *     spark-<32 hex>} like the generated ones is best
     * @throws IllegalArgumentException naming {@code submissionId} when it is not such a value
     */
    public CompletionStage<SubmissionHandle> submit(SubmissionRequest request, String submissionId) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submissionId, "submissionId");
        if (submissionId.length() > 63 || !submissionId.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new IllegalArgumentException("submissionId '" + submissionId + "' is not valid: use at most 63"
                + " lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. "
                + DriverResourceNames.newAppId());
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new SubmissionRejectedException("the submitter is closed"));
        }
        String id = submissionId;
        CompletionStage<SubmissionSupervisor.SubmitReply> reply = ask(
            replyTo -> new SubmissionSupervisor.Submit(id, request, replyTo), settings.submitTimeout());
        return reply.thenCompose(r -> r instanceof SubmissionSupervisor.Created created
            ? CompletableFuture.completedFuture(created.handle())
            : CompletableFuture.failedFuture(((SubmissionSupervisor.SubmitFailed) r).error()));
    }

    /**
     * Submits {@code request} under {@code submissionId} (as {@link #submit(SubmissionRequest, String)}),
     * staging its submitter-local dependencies with {@code stager} instead of the submitter's own {@link
     * Builder#resourceStager}. For callers that hold one submission's files themselves: the submission
     * daemon streams a request's uploads to the staging server first, owned by {@code submissionId}'s
     * driver pod, and passes a stager that hands those bundles over (its {@link
     * ResourceStager#readsLocalFiles()} is false, so the files need not exist on this machine).
     *
     * @param stager stages this submission's local dependencies; used for this submission only
     * @throws IllegalArgumentException naming {@code submissionId} when it is not a valid id
     * @throws IllegalStateException when the submitter was built with a {@link Builder#stepPlanner}, which
     *     decides about staging itself
     */
    public CompletionStage<SubmissionHandle> submit(SubmissionRequest request, String submissionId,
        ResourceStager stager) {
        Objects.requireNonNull(stager, "stager");
        if (requestStagers == null) {
            throw new IllegalStateException("this submitter was built with its own stepPlanner; a per-submission"
                + " stager cannot be applied");
        }
        if (requestStagers.putIfAbsent(submissionId, stager) != null) {
            return CompletableFuture.failedFuture(new SubmissionRejectedException("submission " + submissionId
                + " is already being submitted"));
        }
        CompletionStage<SubmissionHandle> result;
        try {
            result = submit(request, submissionId);
        } catch (RuntimeException e) {
            requestStagers.remove(submissionId, stager);
            throw e;
        }
        return result.whenComplete((handle, failure) -> requestStagers.remove(submissionId, stager));
    }

    /**
     * The current status of a submission; fails with {@link UnknownSubmissionException} for an unknown id.
     * An id this submitter does not know is looked up on the API server (a submission made before a restart),
     * and followed from then on if its driver pod is found.
     */
    public CompletionStage<SubmissionStatus> status(String submissionId) {
        CompletionStage<Optional<SubmissionStatus>> reply = ask(
            replyTo -> new SubmissionSupervisor.GetStatus(submissionId, replyTo), settings.askTimeout());
        return reply.thenCompose(s -> s.map(CompletableFuture::completedFuture)
            .orElseGet(() -> CompletableFuture.failedFuture(new UnknownSubmissionException(submissionId))));
    }

    /**
     * Kills a submission: deletes its driver pod (Kubernetes deletes the rest with it), or, if the pod
     * does not exist yet, ends the submission before it is created. Completes with the status after
     * the kill ({@link SubmissionState#KILLED} once the pod is deleted). The driver pod of a finished
     * submission is deleted too, as {@code spark-submit --kill} does, and the answer keeps the outcome it had
     * ({@link SubmissionState#SUCCEEDED}, {@link SubmissionState#FAILED}, ...). Works for the submissions of
     * an earlier submitter too (see {@link #status}).
     */
    public CompletionStage<SubmissionStatus> kill(String submissionId) {
        CompletionStage<SubmissionSupervisor.KillReply> reply = ask(
            replyTo -> new SubmissionSupervisor.Kill(submissionId, replyTo), settings.askTimeout());
        return reply.thenCompose(r -> r instanceof SubmissionSupervisor.KillAccepted accepted
            ? CompletableFuture.completedFuture(accepted.status())
            : CompletableFuture.failedFuture(((SubmissionSupervisor.KillRefused) r).error()));
    }

    /**
     * The statuses of the submissions {@code filter} accepts, oldest submission first: this submitter's, the
     * ones recovered at start from the namespaces of {@link Builder#recoverNamespaces} (the answer waits for
     * that recovery), and the ones looked up by id since.
     */
    public CompletionStage<List<SubmissionStatus>> list(SubmissionFilter filter) {
        return ask(replyTo -> new SubmissionSupervisor.ListSubmissions(filter, replyTo), settings.askTimeout());
    }

    /**
     * Asks the supervisor; the answer completes a plain {@link CompletableFuture} on the actor system's
     * dispatcher. The stage {@link AskPattern#ask} returns runs every dependent stage asynchronously on the
     * JDK's default executor, which starts a thread per task when the common pool has fewer than two threads
     * (any machine with two cores): a thread per call for this API's callers.
     */
    private <T> CompletionStage<T> ask(Function<ActorRef<T>, SubmissionSupervisor.Command> message,
        Duration timeout) {
        return PlainStages.completedOn(AskPattern.ask(supervisor, message::apply, timeout, system.scheduler()),
            system.executionContext());
    }

    /**
     * The status changes of a submission as a Pekko stream: the current status first, then every
     * change; the stream completes after the terminal status ({@link SubmissionState#isTerminal()})
     * and fails with {@link UnknownSubmissionException} for an unknown id (after looking it up on the API
     * server, as {@link #status} does). Each materialization is an
     * independent watch. A slow consumer loses intermediate states, never the last one.
     */
    public Source<SubmissionStatus, NotUsed> watch(String submissionId) {
        if (closed.get()) {
            return Source.failed(new SubmissionRejectedException("the submitter is closed"));
        }
        Source<SubmissionSupervisor.WatchEvent, org.apache.pekko.actor.ActorRef> events = Source.actorRef(
            msg -> msg == SubmissionSupervisor.WatchEnded.INSTANCE ? Optional.of(CompletionStrategy.draining())
                : Optional.empty(),
            msg -> msg instanceof SubmissionSupervisor.WatchFailed failed ? Optional.of(failed.error())
                : Optional.empty(),
            WATCH_BUFFER, OverflowStrategy.dropHead());
        return events
            .mapMaterializedValue(ref -> {
                supervisor.tell(new SubmissionSupervisor.Watch(submissionId, Adapter.toTyped(ref)));
                return NotUsed.notUsed();
            })
            .map(event -> ((SubmissionSupervisor.StatusUpdate) event).status());
    }

    /**
     * {@link #watch(String)} as a {@link Flow.Publisher}, for code that does not use Pekko: it
     * accepts one subscriber, which gets the statuses and then {@code onComplete} (or {@code onError}).
     * The watch starts now; statuses wait in a small buffer until the subscriber asks for them.
     */
    public Flow.Publisher<SubmissionStatus> watchPublisher(String submissionId) {
        return watch(submissionId).runWith(JavaFlowSupport.Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), system);
    }

    /** The actor system the submitter runs on, to run {@link #watch} streams with. */
    public ActorSystem<?> actorSystem() {
        return system;
    }

    /**
     * Stops the submitter: submissions still waiting or being created are rejected, watches fail,
     * the informers stop; driver pods already created keep running. Then stops the actor system and
     * closes the client if the builder created them. Waits up to 30 seconds.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            AskPattern.<SubmissionSupervisor.Command, org.apache.pekko.Done>ask(supervisor,
                SubmissionSupervisor.Shutdown::new, Duration.ofSeconds(30), system.scheduler())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The supervisor is gone or stuck; stopping the system below ends it anyway.
        } finally {
            if (ownsSystem) {
                system.terminate();
                try {
                    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // Nothing more to do: the process is shutting the submitter down.
                }
            }
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * The configuration of a client the submitter makes itself: kubeconfig or service account, the
     * client's own retries off (the runtime retries with its own bounded backoff, and must see a 429
     * to slow every submission down), and enough concurrent requests for {@code max-in-flight}.
     */
    static io.fabric8.kubernetes.client.Config ownClientConfig(SubmissionRuntimeSettings settings) {
        io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.autoConfigure(null);
        config.setRequestRetryBackoffLimit(0);
        int concurrency = Math.max(settings.maxInFlight() * 4, config.getMaxConcurrentRequests());
        config.setMaxConcurrentRequests(concurrency);
        config.setMaxConcurrentRequestsPerHost(concurrency);
        return config;
    }

    /** Builds a {@link SparkKubernetesSubmitter}. */
    public static final class Builder {
        private KubernetesClient client;
        private KubernetesOperations operations;
        private ActorSystem<?> system;
        private Config config;
        private Integer maxInFlight;
        private Integer maxQueued;
        private Double maxSubmissionsPerSecond;
        private List<String> recoverNamespaces;
        private ResourceStager stager;
        private Map<String, String> environment = System.getenv();
        private DriverStepPlanner planner;

        private Builder() {
        }

        /**
         * The client to talk to the API server with; the caller keeps ownership and closes it after
         * the submitter. Default: a client built from kubeconfig / the pod's service account, with
         * the client's own request retries off (the submitter retries, see the class comment) and
         * {@code 4 × max-in-flight} concurrent requests, closed by {@link SparkKubernetesSubmitter#close()}.
         * A client given here is used as it is: turn its retries off
         * ({@code Config.setRequestRetryBackoffLimit(0)}) for 429s to slow the whole submitter down.
         */
        public Builder kubernetesClient(KubernetesClient value) {
            this.client = Objects.requireNonNull(value, "kubernetesClient");
            return this;
        }

        /**
         * The API server calls to make, instead of a fabric8 client (to run the submitter against
         * something else than a real cluster). Takes precedence over {@link #kubernetesClient}.
         */
        public Builder kubernetesOperations(KubernetesOperations value) {
            this.operations = Objects.requireNonNull(value, "kubernetesOperations");
            return this;
        }

        /**
         * Run on this actor system (the caller's, which the submitter does not stop). Its
         * configuration is then the one read. Default: a system of the submitter's own.
         */
        public Builder actorSystem(ActorSystem<?> value) {
            this.system = Objects.requireNonNull(value, "actorSystem");
            return this;
        }

        /** The configuration to read settings from when the submitter makes its own actor system. */
        public Builder config(Config value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Overrides {@code sparkk8s.actors.submission.max-in-flight}. */
        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        /** Overrides {@code sparkk8s.actors.submission.max-queued}. */
        public Builder maxQueued(int value) {
            this.maxQueued = value;
            return this;
        }

        /** Overrides {@code sparkk8s.actors.submission.max-submissions-per-second} (0 for no limit). */
        public Builder maxSubmissionsPerSecond(double value) {
            this.maxSubmissionsPerSecond = value;
            return this;
        }

        /**
         * Overrides {@code sparkk8s.actors.submission.recover-namespaces}: at start, the submitter adopts the
         * driver pods of these namespaces ({@code "*"} for every namespace), so that {@link
         * SparkKubernetesSubmitter#list} shows the submissions an earlier submitter made (before a restart of
         * the JVM) and their states are followed again. Status, watch and kill of an id the submitter does not
         * know look the id up on the API server whatever this says.
         */
        public Builder recoverNamespaces(String... namespaces) {
            this.recoverNamespaces = List.of(namespaces);
            return this;
        }

        /** Uploads submitter-local dependencies to a resource staging server. Default: none. */
        public Builder resourceStager(ResourceStager value) {
            this.stager = Objects.requireNonNull(value, "resourceStager");
            return this;
        }

        /** The environment the steps read ({@code HADOOP_CONF_DIR}). Default: this process's. */
        public Builder environment(Map<String, String> value) {
            this.environment = Map.copyOf(value);
            return this;
        }

        /** Picks the configuration steps of each submission. Default: the orchestrator, as the CLI. */
        public Builder stepPlanner(DriverStepPlanner value) {
            this.planner = Objects.requireNonNull(value, "stepPlanner");
            return this;
        }

        /**
         * Builds and starts the submitter.
         *
         * @throws IllegalArgumentException naming the setting when a setting is out of its range
         */
        public SparkKubernetesSubmitter build() {
            boolean ownsSystem = system == null;
            ActorSystem<?> actorSystem = ownsSystem
                ? ActorSystem.create(Behaviors.empty(), "spark-k8s-submitter",
                    config == null ? ConfigFactory.load() : config.withFallback(ConfigFactory.load()))
                : system;
            try {
                SubmissionRuntimeSettings settings = SubmissionRuntimeSettings.fromConfig(actorSystem.settings()
                    .config());
                if (maxInFlight != null) {
                    settings = settings.withMaxInFlight(maxInFlight);
                }
                if (maxQueued != null) {
                    settings = settings.withMaxQueued(maxQueued);
                }
                if (maxSubmissionsPerSecond != null) {
                    settings = settings.withMaxSubmissionsPerSecond(maxSubmissionsPerSecond);
                }
                if (recoverNamespaces != null) {
                    settings = settings.withRecoverNamespaces(recoverNamespaces);
                }
                KubernetesClient ownedClient = null;
                KubernetesOperations ops = operations;
                if (ops == null) {
                    if (client == null) {
                        ownedClient = new KubernetesClientBuilder().withConfig(ownClientConfig(settings)).build();
                    }
                    ops = new Fabric8KubernetesOperations(client != null ? client : ownedClient);
                }
                Map<String, ResourceStager> requestStagers = planner != null ? null : new ConcurrentHashMap<>();
                Map<String, String> env = environment;
                ResourceStager submitterStager = stager;
                DriverStepPlanner stepPlanner = planner != null ? planner
                    : (request, names) -> DriverStepPlanner.orchestrator(Optional.ofNullable(requestStagers
                        .get(names.appId())).or(() -> Optional.ofNullable(submitterStager)), env)
                        .steps(request, names);
                return new SparkKubernetesSubmitter(actorSystem, ownsSystem, ownedClient, ops, settings, stepPlanner,
                    requestStagers);
            } catch (RuntimeException e) {
                if (ownsSystem) {
                    actorSystem.terminate();
                }
                throw e;
            }
        }
    }
}
