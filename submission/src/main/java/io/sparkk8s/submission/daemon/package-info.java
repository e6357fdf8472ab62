/**
 * A thin client of the submission daemon's REST API ({@code bin/spark-k8s daemon}, served by the
 * {@code http/} module): {@link io.sparkk8s.submission.daemon.SubmissionDaemonClient} with its wire
 * records. It lives here, on the JDK's HTTP client and Jackson only, so that the CLI's {@code --daemon}
 * option and any JVM caller can use it without the daemon's own module (Pekko HTTP).
 */
package io.sparkk8s.submission.daemon;
