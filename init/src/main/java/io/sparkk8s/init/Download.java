package io.sparkk8s.init;

import java.io.IOException;
import java.time.Instant;

/** One dependency to put in place: a remote file or a staged bundle. */
interface Download {

    /** What is downloaded, as log lines name it (a URI, never a secret). */
    String source();

    /** Downloads it, verified, into place; a failure is a {@link DownloadException} when retrying may help. */
    void run(Instant deadline) throws IOException, InterruptedException;
}
