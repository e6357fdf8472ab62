package io.sparkk8s.init;

import io.sparkk8s.staging.tar.UnsafeArchiveException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * GET over http or https with the JDK's client (no actor system: the init-container must start
 * fast). The body is streamed to a consumer; on the way its length is checked against
 * {@code Content-Length} and its checksum against the one the server declares ({@link ExpectedDigest}).
 * Failures are {@link DownloadException}s that say whether a retry may help.
 */
final class HttpDownloads {

    /** What reads a response body. */
    @FunctionalInterface
    interface BodyConsumer {
        /** Reads (part of) {@code body}; what it leaves is read and verified afterwards. */
        void accept(InputStream body) throws IOException;
    }

    private static final Set<Integer> TRANSIENT_STATUS = Set.of(408, 425, 429, 500, 502, 503, 504);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_BODY = 512;

    private final HttpClient client;

    /** A client verifying https servers with {@code tls}, or the JVM's default trust. */
    HttpDownloads(Optional<SSLContext> tls) {
        HttpClient.Builder builder = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL);
        tls.ifPresent(builder::sslContext);
        this.client = builder.build();
    }

    /**
     * GETs {@code uri} and hands the body to {@code consumer}.
     *
     * @param headers request headers (e.g. the staging secret)
     */
    void get(URI uri, Map<String, String> headers, Instant deadline, BodyConsumer consumer)
        throws IOException, InterruptedException {
        Duration remaining = Duration.between(Instant.now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
            throw new DownloadException("no time left before the mount timeout", false, null);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(remaining);
        headers.forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (SSLHandshakeException e) {
            throw new DownloadException("TLS verification of " + uri.getHost() + " failed ("
                + e.getMessage() + "); check the trusted certificate", false, e);
        } catch (ConnectException e) {
            throw new DownloadException("cannot connect to " + hostPort(uri) + " ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", true, e);
        } catch (IOException e) {
            throw new DownloadException("request to " + hostPort(uri) + " failed (" + e + ")", true, e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                String text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
                throw new DownloadException("HTTP " + status + (text.isEmpty() ? "" : " " + text),
                    TRANSIENT_STATUS.contains(status), null);
            }
            Optional<ExpectedDigest> digest = ExpectedDigest.fromHeaders(response.headers());
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            MessageDigest md = digest.map(ExpectedDigest::newDigest).orElse(null);
            CountingStream counted = new CountingStream(md == null ? body : new DigestInputStream(body, md));
            try {
                consumer.accept(counted);
                counted.drain();
            } catch (DownloadException e) {
                throw e;
            } catch (UnsafeArchiveException e) {
                throw new DownloadException("unsafe archive, " + e.getMessage(), false, e);
            } catch (IOException e) {
                throw new DownloadException("reading the answer failed after " + counted.count
                    + " bytes (" + e + ")", true, e);
            }
            if (length.isPresent() && length.getAsLong() != counted.count) {
                throw new DownloadException("received " + counted.count + " bytes but Content-Length is "
                    + length.getAsLong(), true, null);
            }
            if (digest.isPresent()) {
                digest.get().verify(md.digest());
            }
        }
    }

    private static String hostPort(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** Counts bytes, and ignores close() so that a consumer closing it does not cut the verification short. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public void close() {
            // the response body is closed by its owner
        }

        void drain() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (read(buffer, 0, buffer.length) >= 0) {
                // keep reading: the rest counts for the length and checksum checks
            }
        }
    }
}
