package io.sparkk8s.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response from a raw socket's input, for tests that need to control exactly when a
 * client sends which bytes (HTTP clients hide that).
 */
public final class RawHttp {

    /** One response: status, headers (names lower-case), body. */
    public record Response(int status, Map<String, String> headers, String body) {

        public boolean closesConnection() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private RawHttp() {
    }

    /** The request head of a POST to {@code path} with the given extra header lines (each ending in CRLF). */
    public static byte[] postHead(String path, String token, String extraHeaders) {
        return ("POST " + path + " HTTP/1.1\r\nHost: daemon\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code head}, then {@code body}, as two writes, as HTTP clients do; reads nothing. */
    public static void send(java.net.Socket socket, byte[] head, byte[] body) throws IOException {
        java.io.OutputStream out = socket.getOutputStream();
        out.write(head);
        out.flush();
        out.write(body);
        out.flush();
    }

    /** Reads the next response (informational ones included) whose body has a Content-Length. */
    public static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the body ended after " + body.length + " of " + length + " bytes");
        }
        return new Response(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection ended" + (out.size() == 0 ? " before the response"
                    : " within '" + out.toString(StandardCharsets.US_ASCII) + "'"));
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
