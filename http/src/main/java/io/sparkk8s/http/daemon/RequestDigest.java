package io.sparkk8s.http.daemon;

import io.sparkk8s.config.SubmissionRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 of a validated submission in a canonical form: what the request asks for (main class,
 * name, primary resource, arguments, the resolved conf sorted by key, proxy user), not how its JSON
 * was written, so field order, white space and equivalent spellings ({@code driverMemory} or {@code
 * conf.spark.driver.memory}) give the same digest. Kept on the driver pod ({@value #ANNOTATION}) so that
 * a replayed POST with the same {@code Idempotency-Key} but another body is recognised by any replica.
 */
public final class RequestDigest {

    /** Annotation on the driver pod holding the digest of the request that created it. */
    public static final String ANNOTATION = "spark-k8s.io/request-digest";

    private RequestDigest() {
    }

    /** The digest of {@code request}, as 64 hex digits. */
    public static String of(SubmissionRequest request) {
        StringBuilder canonical = new StringBuilder();
        field(canonical, request.mainClass().orElse(""));
        field(canonical, request.appName());
        field(canonical, request.primaryResource());
        List<String> args = request.appArgs();
        field(canonical, Integer.toString(args.size()));
        args.forEach(a -> field(canonical, a));
        Map<String, String> conf = new TreeMap<>(request.sparkConf().asMap());
        field(canonical, Integer.toString(conf.size()));
        conf.forEach((k, v) -> {
            field(canonical, k);
            field(canonical, v);
        });
        field(canonical, request.proxyUser().orElse(""));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Length-prefixed, so that no two different requests have the same canonical text. */
    private static void field(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value).append(';');
    }
}
