package io.sparkk8s.staging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Hands Pekko's stages on as plain {@link CompletableFuture}s. The stages Pekko returns (asks, HTTP requests,
 * materialized values) run every dependent stage on the JDK's default async executor, which starts a new
 * thread per task when the common pool has fewer than two threads (any machine with two cores): a thread per
 * callback for their users.
 */
public final class PlainStages {

    private PlainStages() {
    }

    /** {@code stage}'s outcome as a plain future, completed on {@code executor} (an actor system's dispatcher). */
    public static <T> CompletableFuture<T> completedOn(CompletionStage<T> stage, Executor executor) {
        CompletableFuture<T> plain = new CompletableFuture<>();
        stage.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                plain.completeExceptionally(failure);
            } else {
                plain.complete(value);
            }
        }, executor);
        return plain;
    }
}
