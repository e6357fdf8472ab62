package io.sparkk8s.config.validation;

/**
 * Finds the known name closest to a misspelt one by edit distance (Levenshtein: insertions,
 * deletions and substitutions each cost one), for "did you mean" suggestions.
 */
public final class ClosestMatch {

    private ClosestMatch() {
    }

    /**
     * The largest edit distance still taken for a typo of {@code name}: one edit per eight
     * characters, at least 1 and at most 4, so that a key nobody would confuse with another gets no
     * suggestion.
     */
    public static int plausibleTypoDistance(String name) {
        return Math.max(1, Math.min(4, name.length() / 8));
    }

    /** The Levenshtein distance between {@code a} and {@code b}. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * The length of the prefix of {@code name} that best matches {@code prefix}, and the distance of
     * that match: lets {@code spark.kubernetes.driver.lable.team} be matched against the prefixed
     * key {@code spark.kubernetes.driver.label.}.
     *
     * @return {@code {distance, matchedLength}}
     */
    public static int[] prefixDistance(String name, String prefix) {
        // dp over (prefix chars consumed) x (name chars consumed); the answer is the best cell of the last row.
        int[] previous = new int[name.length() + 1];
        int[] current = new int[name.length() + 1];
        for (int j = 0; j <= name.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= prefix.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= name.length(); j++) {
                int substitution = previous[j - 1] + (prefix.charAt(i - 1) == name.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        int bestLength = 0;
        for (int j = 1; j <= name.length(); j++) {
            if (previous[j] <= previous[bestLength]) {
                bestLength = j;
            }
        }
        return new int[] {previous[bestLength], bestLength};
    }
}
