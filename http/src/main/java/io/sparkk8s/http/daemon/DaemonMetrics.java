package io.sparkk8s.http.daemon;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's metrics in the Prometheus text format (version 0.0.4): submissions by outcome, submit
 * latency, requests by status class, requests in flight, Kubernetes API errors. A handful of counters
 * written by hand rather than a metrics library: the daemon exports nothing else.
 */
public final class DaemonMetrics {

    /** Upper bounds of the submit latency histogram, in seconds. */
    static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Map<String, LongAdder> submissions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicLong latencySumNanos = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder apiErrors = new LongAdder();

    /** Empty metrics. */
    public DaemonMetrics() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** One POST /v1/submissions ended with {@code outcome} ({@code created}, {@code invalid}, ...). */
    public void submission(String outcome, long nanos) {
        submissions.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                buckets[i].increment();
            }
        }
        latencyCount.increment();
        latencySumNanos.addAndGet(nanos);
    }

    /** A request started. */
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** A request ended with {@code status}. */
    public void requestEnded(int status) {
        inFlight.decrementAndGet();
        responses.computeIfAbsent(status / 100 + "xx", k -> new LongAdder()).increment();
    }

    /** The Kubernetes API server answered with an error or could not be reached. */
    public void apiError() {
        apiErrors.increment();
    }

    /** Everything, in the Prometheus text format. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP sparkk8s_daemon_submissions_total Submit requests by outcome.\n")
            .append("# TYPE sparkk8s_daemon_submissions_total counter\n");
        submissions.forEach((outcome, n) -> out.append("sparkk8s_daemon_submissions_total{outcome=\"")
            .append(outcome).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP sparkk8s_daemon_submit_duration_seconds Time to answer a submit request.\n")
            .append("# TYPE sparkk8s_daemon_submit_duration_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("sparkk8s_daemon_submit_duration_seconds_bucket{le=\"").append(format(BUCKETS[i]))
                .append("\"} ").append(buckets[i].sum()).append('\n');
        }
        out.append("sparkk8s_daemon_submit_duration_seconds_bucket{le=\"+Inf\"} ").append(latencyCount.sum())
            .append('\n')
            .append("sparkk8s_daemon_submit_duration_seconds_sum ").append(format(latencySumNanos.get() / 1e9))
            .append('\n')
            .append("sparkk8s_daemon_submit_duration_seconds_count ").append(latencyCount.sum()).append('\n');
        out.append("# HELP sparkk8s_daemon_http_responses_total Responses by status class.\n")
            .append("# TYPE sparkk8s_daemon_http_responses_total counter\n");
        responses.forEach((code, n) -> out.append("sparkk8s_daemon_http_responses_total{code=\"").append(code)
            .append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP sparkk8s_daemon_requests_in_flight Requests being served.\n")
            .append("# TYPE sparkk8s_daemon_requests_in_flight gauge\n")
            .append("sparkk8s_daemon_requests_in_flight ").append(inFlight.get()).append('\n');
        out.append("# HELP sparkk8s_daemon_kubernetes_api_errors_total Failed calls to the Kubernetes API server.\n")
            .append("# TYPE sparkk8s_daemon_kubernetes_api_errors_total counter\n")
            .append("sparkk8s_daemon_kubernetes_api_errors_total ").append(apiErrors.sum()).append('\n');
        return out.toString();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }
}
