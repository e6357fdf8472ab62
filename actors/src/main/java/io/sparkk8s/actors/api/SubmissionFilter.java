package io.sparkk8s.actors.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which submissions {@link SparkKubernetesSubmitter#list} returns. Start from {@link #all()} and
 * narrow it: {@code SubmissionFilter.all().inNamespace("etl").inStates(SubmissionState.RUNNING)}.
 *
 * @param namespace only submissions in this namespace, if present
 * @param states only submissions in one of these states; empty means any state
 * @param appName only submissions whose application name is this, if present
 */
public record SubmissionFilter(Optional<String> namespace, Set<SubmissionState> states, Optional<String> appName) {

    /** Copies the set. */
    public SubmissionFilter {
        Objects.requireNonNull(namespace, "namespace");
        states = Set.copyOf(states);
        Objects.requireNonNull(appName, "appName");
    }

    /** Every submission the submitter knows. */
    public static SubmissionFilter all() {
        return new SubmissionFilter(Optional.empty(), Set.of(), Optional.empty());
    }

    /** This filter, narrowed to {@code ns}. */
    public SubmissionFilter inNamespace(String ns) {
        return new SubmissionFilter(Optional.of(ns), states, appName);
    }

    /** This filter, narrowed to submissions in one of {@code wanted}. */
    public SubmissionFilter inStates(SubmissionState first, SubmissionState... more) {
        return new SubmissionFilter(namespace, EnumSet.of(first, more), appName);
    }

    /** This filter, narrowed to submissions called {@code name}. */
    public SubmissionFilter withAppName(String name) {
        return new SubmissionFilter(namespace, states, Optional.of(name));
    }

    /** Whether {@code status} passes this filter. */
    public boolean test(SubmissionStatus status) {
        return namespace.map(status.namespace()::equals).orElse(true)
            && (states.isEmpty() || states.contains(status.state()))
            && appName.map(status.appName()::equals).orElse(true);
    }
}
