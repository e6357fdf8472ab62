package io.sparkk8s.http.daemon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Keyset paging over a list sorted by a string key (creation time, namespace, name): a page token is
 * the key of the last item of the previous page, so pages stay stable while submissions come and go.
 */
public final class Paging {

    private Paging() {
    }

    /**
     * One page of {@code items}.
     *
     * @param <T> the item type
     * @throws SubmissionBackend.InvalidPageToken when {@code token} was not made here
     */
    public static <T> Page<T> page(List<Keyed<T>> items, int limit, Optional<String> token) {
        Optional<String> after = token.map(Paging::decode);
        List<Keyed<T>> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Keyed::key));
        List<T> page = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        for (Keyed<T> item : sorted) {
            if (after.isPresent() && item.key().compareTo(after.get()) <= 0) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(item.value());
            lastKey = item.key();
        }
        return new Page<>(page, more ? Optional.of(encode(lastKey)) : Optional.empty());
    }

    private static String encode(String key) {
        return "p1." + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        if (!token.startsWith("p1.")) {
            throw new SubmissionBackend.InvalidPageToken(token);
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token.substring(3)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SubmissionBackend.InvalidPageToken(token);
        }
    }

    /**
     * An item and its sort key.
     *
     * @param <T> the item type
     * @param key the sort key
     * @param value the item
     */
    public record Keyed<T>(String key, T value) {
    }

    /**
     * A page.
     *
     * @param <T> the item type
     * @param items the items
     * @param nextToken the token of the next page, if any
     */
    public record Page<T>(List<T> items, Optional<String> nextToken) {
    }
}
