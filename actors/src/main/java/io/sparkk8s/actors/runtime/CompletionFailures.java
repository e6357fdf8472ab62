package io.sparkk8s.actors.runtime;

import java.util.concurrent.CompletionException;

/** The failure behind a {@link CompletionException} of a blocking call run on the runtime's dispatcher. */
final class CompletionFailures {

    private CompletionFailures() {
    }

    /** {@code error}'s cause when it is a {@link CompletionException} with one, else {@code error}. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
