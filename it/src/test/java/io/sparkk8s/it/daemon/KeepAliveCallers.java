package io.sparkk8s.it.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark's load generator for the daemon: each caller is one thread with one keep-alive HTTP/1.1
 * connection, writing a request and reading its answer with blocking socket I/O, as a scheduler's worker
 * would. It exists so that the client takes as little as possible of the cores the daemon, the API server
 * and etcd share in this benchmark (the JDK's {@code HttpClient} adds a selector thread and executor
 * hand-offs per request: about as much CPU per submission as the difference being measured). It speaks
 * only what the daemon answers a POST with: a status line, headers and a {@code Content-Length} body.
 */
final class KeepAliveCallers implements Closeable {

    /** An answer: the status code and the body. */
    record Answer(int status, String body) {
    }

    private final InetSocketAddress address;
    private final String headers;
    private final ExecutorService callers;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final List<Connection> opened = new ArrayList<>();

    /**
     * @param address the daemon
     * @param path the request target
     * @param extraHeaders header lines (without line ends) sent with every request
     * @param callers how many threads (and so connections) at most
     */
    KeepAliveCallers(InetSocketAddress address, String path, List<String> extraHeaders, int callers) {
        this.address = address;
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
            .append(address.getHostString()).append(':').append(address.getPort()).append("\r\n");
        extraHeaders.forEach(line -> head.append(line).append("\r\n"));
        this.headers = head.toString();
        this.callers = Executors.newFixedThreadPool(callers, runnable -> {
            Thread thread = new Thread(runnable, "bench-caller");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** POSTs {@code body} on one of the callers' connections. */
    CompletableFuture<Answer> post(String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return connection().exchange(body.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                Connection broken = connection.get();
                if (broken != null) {
                    broken.close();
                }
                connection.remove();
                throw new UncheckedIOException(e);
            }
        }, callers);
    }

    @Override
    public void close() {
        callers.shutdownNow();
        synchronized (opened) {
            for (Connection open : opened) {
                open.close();
            }
        }
    }

    private Connection connection() throws IOException {
        Connection current = connection.get();
        if (current == null || current.closed) {
            current = new Connection(new Socket());
            current.socket.setTcpNoDelay(true);
            current.socket.connect(address, 10_000);
            connection.set(current);
            synchronized (opened) {
                opened.add(current);
            }
        }
        return current;
    }

    private final class Connection {
        private final Socket socket;
        private BufferedOutputStream out;
        private InputStream in;
        private boolean closed;

        Connection(Socket socket) {
            this.socket = socket;
        }

        Answer exchange(byte[] body) throws IOException {
            if (out == null) {
                out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            }
            out.write((headers + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean closing = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:")) {
                    throw new IOException("the daemon answered with " + header + "; this client reads only "
                        + "Content-Length bodies");
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            if (length < 0) {
                throw new IOException("answer " + code + " without Content-Length");
            }
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new EOFException("the daemon closed the connection after " + bytes.length + " of " + length
                    + " body bytes");
            }
            String answer = new String(bytes, StandardCharsets.UTF_8);
            if (closing) {
                close();
            }
            return new Answer(code, answer);
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the daemon closed the connection mid-answer");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        void close() {
            closed = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
