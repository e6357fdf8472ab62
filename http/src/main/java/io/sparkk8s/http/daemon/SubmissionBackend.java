package io.sparkk8s.http.daemon;

import io.sparkk8s.actors.api.SubmissionState;
import io.sparkk8s.actors.api.SubmissionStatus;
import io.sparkk8s.config.SubmissionRequest;
import io.sparkk8s.submission.staging.ResourceStager;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the daemon's routes need from the cluster. {@link KubernetesSubmissionBackend} is the real one:
 * it submits through the Java API and reads the state from the driver pods, so every replica of the
 * daemon (and the CLI) sees the same submissions.
 */
public interface SubmissionBackend {

    /**
     * Submits {@code request}; with an idempotency key, returns the submission already made with that
     * key in the request's namespace instead of submitting again.
     */
    CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> idempotencyKey);

    /**
     * Submits {@code request} whose submitter-local dependencies a multipart request already streamed to
     * the staging server ({@code staged}), under {@code staged.submissionId()}. With an idempotency key
     * that an earlier submission used, answers that one ({@link Submitted#created()} false) and the
     * caller deletes what it staged.
     *
     * <p>The default refuses: a backend that cannot take staged dependencies.
     */
    default CompletionStage<Submitted> submit(SubmissionRequest request, Optional<String> idempotencyKey,
        Staged staged) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getSimpleName()
            + " cannot submit staged dependencies"));
    }

    /**
     * The submission made earlier with {@code idempotencyKey} in {@code request}'s namespace, if any, so
     * that a replayed multipart request is answered before its uploads are staged again. Fails with
     * {@link IdempotencyKeyReused} when that submission was made from another request.
     */
    default CompletionStage<Optional<Submitted>> replay(SubmissionRequest request, String idempotencyKey) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** The submission {@code id}, if it exists in one of {@code namespaces} ({@code *} for any). */
    CompletionStage<Optional<SubmissionStatus>> find(String id, Set<String> namespaces);

    /** A page of the submissions {@code query} selects, oldest first. */
    CompletionStage<Page> list(Query query);

    /**
     * Kills {@code current}: deletes its driver pod, with {@code gracePeriodSeconds} when given (else the
     * pod's own grace period); completes with its status after the kill.
     */
    CompletionStage<SubmissionStatus> kill(SubmissionStatus current, OptionalLong gracePeriodSeconds);

    /** The status changes of {@code current}: the current status, each change, complete after a terminal one. */
    Source<SubmissionStatus, NotUsed> events(SubmissionStatus current);

    /** The last {@code tail} lines of the driver's log. */
    CompletionStage<String> log(SubmissionStatus current, int tail);

    /** Whether the API server answers. */
    CompletionStage<Boolean> ready();

    /**
     * The outcome of a submit.
     *
     * @param status the submission's status
     * @param created false when an earlier submission with the same idempotency key was returned
     */
    record Submitted(SubmissionStatus status, boolean created) {
    }

    /**
     * A list request.
     *
     * @param namespaces the namespaces to look in; {@code *} for all
     * @param states only these states; empty for any
     * @param labels only driver pods with these labels
     * @param limit page size
     * @param pageToken where the previous page ended
     */
    record Query(Set<String> namespaces, Set<SubmissionState> states, Map<String, String> labels, int limit,
        Optional<String> pageToken) {
        /** Copies. */
        public Query {
            namespaces = Set.copyOf(namespaces);
            states = Set.copyOf(states);
            labels = Map.copyOf(labels);
            Objects.requireNonNull(pageToken, "pageToken");
        }
    }

    /**
     * A page of a list.
     *
     * @param items the submissions
     * @param nextPageToken the token of the next page, absent on the last
     */
    record Page(List<SubmissionStatus> items, Optional<String> nextPageToken) {
        /** Copies. */
        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * Dependencies staged for one submission before it is made.
     *
     * @param submissionId the id the bundles' owner labels name; the submission is made under it
     * @param stager hands the staged bundles to the dependency step ({@link StagedUploads})
     * @param stagingServerUri where the init-container downloads the bundles from
     * @param trust the certificates the init-container trusts the staging server with
     */
    record Staged(String submissionId, ResourceStager stager, String stagingServerUri, StagingClientTrust trust) {
        /** Rejects missing parts. */
        public Staged {
            Objects.requireNonNull(submissionId, "submissionId");
            Objects.requireNonNull(stager, "stager");
            Objects.requireNonNull(stagingServerUri, "stagingServerUri");
            Objects.requireNonNull(trust, "trust");
        }

        /** Staged for a server the JVM's default trust verifies. */
        public Staged(String submissionId, ResourceStager stager, String stagingServerUri) {
            this(submissionId, stager, stagingServerUri, StagingClientTrust.DEFAULT);
        }
    }

    /**
     * A POST with an {@code Idempotency-Key} an earlier submission in the namespace used, but with
     * another request: it is not a retry of that submission, and is refused (422) rather than answered
     * with the earlier one.
     */
    final class IdempotencyKeyReused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param existing the submission made with the key, e.g. {@code submission spark-1234} */
        public IdempotencyKeyReused(String existing) {
            super("Idempotency-Key: this key was used for " + existing + " with a different request;"
                + " send the same request to get that submission again, or use a new key for a new submission");
        }
    }

    /** A page token that is not one the daemon gave out. */
    final class InvalidPageToken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param token the token given */
        public InvalidPageToken(String token) {
            super("pageToken: '" + token + "' is not a token of this API; pass the nextPageToken of the previous page");
        }
    }
}
