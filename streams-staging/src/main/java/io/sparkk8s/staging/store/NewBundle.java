package io.sparkk8s.staging.store;

/**
 * A bundle just committed: its index entry and the secret, which exists only here and in the
 * uploader's answer.
 *
 * @param entry the durable index entry
 * @param secret the download secret; never logged
 */
public record NewBundle(BundleEntry entry, String secret) {

    @Override
    public String toString() {
        return "NewBundle[entry=" + entry + ", secret=<hidden>]";
    }
}
