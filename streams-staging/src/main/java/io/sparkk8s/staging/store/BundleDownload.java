package io.sparkk8s.staging.store;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * An authorized read of one bundle. The content was opened before this was returned, so it streams
 * the whole bundle even if the bundle is deleted while it is read.
 *
 * @param entry the bundle's index entry at the time of the read
 * @param content exactly {@code entry.size()} bytes; materialize it once (it is closed after)
 */
public record BundleDownload(BundleEntry entry, Source<ByteString, NotUsed> content) {
}
