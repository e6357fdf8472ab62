package io.sparkk8s.init;

import java.net.http.HttpHeaders;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checksum a source declares for what it sends, to verify the bytes that arrived. Read from HTTP
 * answers: {@code X-Content-SHA256} (hex, the staging server's), {@code Repr-Digest} /
 * {@code Content-Digest} (RFC 9530, {@code sha-256=:base64:}) and {@code Digest} (RFC 3230,
 * {@code SHA-256=base64}); SHA-256 and SHA-512 are understood, other algorithms are ignored.
 *
 * @param algorithm the JDK name of the algorithm, e.g. {@code SHA-256}
 * @param expected the expected digest
 * @param header where it was declared, for messages
 */
public record ExpectedDigest(String algorithm, byte[] expected, String header) {

    /** The staging server's header: lowercase hex SHA-256 of the bundle. */
    public static final String CONTENT_SHA256 = "X-Content-SHA256";

    private static final Pattern STRUCTURED = Pattern.compile("([A-Za-z0-9-]+)\\s*=\\s*:([A-Za-z0-9+/=]+):");
    private static final Pattern LEGACY = Pattern.compile("([A-Za-z0-9-]+)\\s*=\\s*([A-Za-z0-9+/=]+)");

    /** The first digest declared in {@code headers} that this class understands. */
    public static Optional<ExpectedDigest> fromHeaders(HttpHeaders headers) {
        Optional<String> hex = headers.firstValue(CONTENT_SHA256).map(String::trim);
        if (hex.isPresent()) {
            try {
                return Optional.of(new ExpectedDigest("SHA-256", HexFormat.of().parseHex(hex.get()), CONTENT_SHA256));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        for (String name : List.of("Repr-Digest", "Content-Digest")) {
            for (String value : headers.allValues(name)) {
                Optional<ExpectedDigest> found = parse(STRUCTURED.matcher(value), name);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        for (String value : headers.allValues("Digest")) {
            Optional<ExpectedDigest> found = parse(LEGACY.matcher(value), "Digest");
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<ExpectedDigest> parse(Matcher m, String header) {
        while (m.find()) {
            String algorithm = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                case "sha-256" -> "SHA-256";
                case "sha-512" -> "SHA-512";
                default -> null;
            };
            if (algorithm != null) {
                try {
                    return Optional.of(new ExpectedDigest(algorithm, Base64.getDecoder().decode(m.group(2)), header));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** A fresh digest of this algorithm. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has " + algorithm, e);
        }
    }

    /**
     * Checks {@code actual} against the expected digest.
     *
     * @throws DownloadException (transient: the transfer may have been damaged) when they differ
     */
    public void verify(byte[] actual) throws DownloadException {
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new DownloadException("the content's " + algorithm + " is "
                + HexFormat.of().formatHex(actual) + " but " + header + " declared "
                + HexFormat.of().formatHex(expected) + "; the download is damaged or incomplete", true, null);
        }
    }
}
