package io.sparkk8s.submission.daemon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a {@code multipart/form-data} body as a server would (RFC 7578 framing), and tar bundles with
 * commons-compress's reader, for tests that check what the client sent.
 */
public final class MultipartParts {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");

    private MultipartParts() {
    }

    /** One part: its form name, headers (lower-case names) and content. */
    public record Part(String name, Map<String, String> headers, byte[] content) {

        /** The content as UTF-8 text. */
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /** The parts of {@code body}, in order, split at the boundary {@code contentType} names. */
    public static List<Part> parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!contentType.startsWith("multipart/form-data") || !m.find()) {
            throw new IllegalArgumentException("not multipart/form-data with a boundary: " + contentType);
        }
        byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at != 0) {
            throw new IllegalArgumentException("the body does not start with the boundary");
        }
        while (true) {
            int after = at + delimiter.length;
            if (body[after] == '-' && body[after + 1] == '-') {
                if (after + 4 != body.length || body[after + 2] != '\r' || body[after + 3] != '\n') {
                    throw new IllegalArgumentException("bytes after the closing boundary");
                }
                return parts;
            }
            int headersStart = after + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, headersStart, headersEnd - headersStart, StandardCharsets.US_ASCII)
                .split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip());
            }
            int contentStart = headersEnd + 4;
            byte[] next = ("\r\n--" + m.group(1)).getBytes(StandardCharsets.US_ASCII);
            int contentEnd = indexOf(body, next, contentStart);
            Matcher name = NAME.matcher(headers.getOrDefault("content-disposition", ""));
            parts.add(new Part(name.find() ? name.group(1) : "", headers,
                Arrays.copyOfRange(body, contentStart, contentEnd)));
            at = contentEnd + 2;
        }
    }

    /** The entries of a tar bundle: name to content, in archive order. */
    public static Map<String, byte[]> untar(byte[] tar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static int indexOf(byte[] body, byte[] what, int from) {
        outer:
        for (int i = from; i <= body.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (body[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("missing " + new String(what, StandardCharsets.US_ASCII));
    }
}
