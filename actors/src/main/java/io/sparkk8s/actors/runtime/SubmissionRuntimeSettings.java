package io.sparkk8s.actors.runtime;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the submission runtime, read once from {@code sparkk8s.actors.submission} (see
 * {@code reference.conf} for what each means).
 *
 * @param maxInFlight submissions built and created against the API server at the same time
 * @param maxQueued submissions that may wait for a slot before new ones are rejected
 * @param maxSubmissionsPerSecond client-side rate limit of dispatched submissions; 0 for none
 * @param retry how transient API errors are retried
 * @param informerResync resync period of the shared driver-pod informers
 * @param retainedFinished finished submissions kept for status and list
 * @param deletedPodMemory how long a deleted driver pod is remembered
 * @param submitTimeout how long {@code submit()} waits for the driver pod to be created
 * @param askTimeout how long status, list and kill wait for the runtime to answer
 * @param blockingDispatcher the config path of the dispatcher blocking calls run on
 * @param recoverNamespaces the namespaces whose driver pods are adopted at start ({@code "*"} for all)
 */
public record SubmissionRuntimeSettings(
    int maxInFlight,
    int maxQueued,
    double maxSubmissionsPerSecond,
    RetryBackoff retry,
    Duration informerResync,
    int retainedFinished,
    Duration deletedPodMemory,
    Duration submitTimeout,
    Duration askTimeout,
    String blockingDispatcher,
    List<String> recoverNamespaces) {

    /** The config path of the section read by {@link #fromConfig}. */
    public static final String SECTION = "sparkk8s.actors.submission";
    /** The config path of the blocking dispatcher. */
    public static final String BLOCKING_DISPATCHER = "sparkk8s.actors.blocking-dispatcher";

    /** Validates the bounds, naming the setting at fault. */
    public SubmissionRuntimeSettings {
        requirePositive("max-in-flight", maxInFlight);
        if (maxQueued < 0) {
            throw new IllegalArgumentException(SECTION + ".max-queued must be 0 or more, was " + maxQueued);
        }
        if (maxSubmissionsPerSecond < 0) {
            throw new IllegalArgumentException(SECTION + ".max-submissions-per-second must be 0 (no limit) or more,"
                + " was " + maxSubmissionsPerSecond);
        }
        requirePositive("retained-finished", retainedFinished);
        recoverNamespaces = List.copyOf(recoverNamespaces);
        for (String namespace : recoverNamespaces) {
            if (!namespace.equals("*") && !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException(SECTION + ".recover-namespaces: '" + namespace + "' is not a"
                    + " namespace name; give namespace names (lower-case letters, digits and '-') or \"*\" for all");
            }
        }
    }

    /** Reads {@value #SECTION} of {@code config}. */
    public static SubmissionRuntimeSettings fromConfig(Config config) {
        Config c = config.getConfig(SECTION);
        return new SubmissionRuntimeSettings(
            c.getInt("max-in-flight"),
            c.getInt("max-queued"),
            c.getDouble("max-submissions-per-second"),
            new RetryBackoff(c.getDuration("retry.min-backoff"), c.getDuration("retry.max-backoff"),
                c.getDouble("retry.random-factor"), c.getInt("retry.max-attempts")),
            c.getDuration("informer-resync"),
            c.getInt("retained-finished"),
            c.getDuration("deleted-pod-memory"),
            c.getDuration("submit-timeout"),
            c.getDuration("ask-timeout"),
            BLOCKING_DISPATCHER,
            c.getStringList("recover-namespaces"));
    }

    /** These settings with another in-flight bound. */
    public SubmissionRuntimeSettings withMaxInFlight(int value) {
        return new SubmissionRuntimeSettings(value, maxQueued, maxSubmissionsPerSecond, retry, informerResync,
            retainedFinished, deletedPodMemory, submitTimeout, askTimeout, blockingDispatcher, recoverNamespaces);
    }

    /** These settings with another queue bound. */
    public SubmissionRuntimeSettings withMaxQueued(int value) {
        return new SubmissionRuntimeSettings(maxInFlight, value, maxSubmissionsPerSecond, retry, informerResync,
            retainedFinished, deletedPodMemory, submitTimeout, askTimeout, blockingDispatcher, recoverNamespaces);
    }

    /** These settings with another rate limit. */
    public SubmissionRuntimeSettings withMaxSubmissionsPerSecond(double value) {
        return new SubmissionRuntimeSettings(maxInFlight, maxQueued, value, retry, informerResync,
            retainedFinished, deletedPodMemory, submitTimeout, askTimeout, blockingDispatcher, recoverNamespaces);
    }

    /** These settings with another retry policy. */
    public SubmissionRuntimeSettings withRetry(RetryBackoff value) {
        return new SubmissionRuntimeSettings(maxInFlight, maxQueued, maxSubmissionsPerSecond, value, informerResync,
            retainedFinished, deletedPodMemory, submitTimeout, askTimeout, blockingDispatcher, recoverNamespaces);
    }

    /** These settings with other namespaces to recover submissions from at start. */
    public SubmissionRuntimeSettings withRecoverNamespaces(List<String> value) {
        return new SubmissionRuntimeSettings(maxInFlight, maxQueued, maxSubmissionsPerSecond, retry, informerResync,
            retainedFinished, deletedPodMemory, submitTimeout, askTimeout, blockingDispatcher, value);
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(SECTION + "." + key + " must be 1 or more, was " + value);
        }
    }
}
