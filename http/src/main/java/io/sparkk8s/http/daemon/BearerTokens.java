package io.sparkk8s.http.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The daemon's bearer tokens, each bound to the namespaces it may use. Read from a file with one
 * {@code <token> <namespace>[,<namespace>...]} per line ({@code *} means every namespace; {@code #}
 * starts a comment), e.g. a key of a Kubernetes Secret mounted as a file. Tokens are compared by
 * their SHA-256 digests in constant time; the tokens themselves are not kept.
 */
public final class BearerTokens {

    private final List<Entry> entries;

    private BearerTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and line when a line is not {@code token namespaces}
     */
    public static BearerTokens read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses lines as in a tokens file; {@code source} names them in errors. */
    public static BearerTokens parse(List<String> lines, String source) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || parts[1].isEmpty()) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": expected '<token> <namespace>"
                    + "[,<namespace>...]' (or '*' for every namespace), got " + parts.length + " fields");
            }
            Set<String> namespaces = new LinkedHashSet<>(Arrays.asList(parts[1].split(",")));
            namespaces.remove("");
            entries.add(new Entry(digest(parts[0]), new Caller("token-" + (entries.size() + 1),
                Set.copyOf(namespaces))));
        }
        return new BearerTokens(entries);
    }

    /** The caller a presented token belongs to, if it is one of ours. */
    public Optional<Caller> authenticate(String token) {
        byte[] presented = digest(token);
        Caller found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest, presented)) {
                found = e.caller;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The namespaces any token may use ({@code *} included when one token may use all). */
    public Set<String> allNamespaces() {
        Set<String> all = new LinkedHashSet<>();
        entries.forEach(e -> all.addAll(e.caller.namespaces()));
        return all;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private record Entry(byte[] digest, Caller caller) {
    }

    /**
     * An authenticated caller.
     *
     * @param name a name for logs (the token's position in the file, never the token)
     * @param namespaces the namespaces it may use; {@code *} for all
     */
    public record Caller(String name, Set<String> namespaces) {

        /** Whether it may use {@code namespace}. */
        public boolean mayUse(String namespace) {
            return namespaces.contains("*") || namespaces.contains(namespace);
        }

        /** Whether it may use every namespace. */
        public boolean mayUseAll() {
            return namespaces.contains("*");
        }
    }
}
