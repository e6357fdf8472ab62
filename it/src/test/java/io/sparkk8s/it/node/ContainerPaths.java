package io.sparkk8s.it.node;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's view of the file system, as its volume mounts make it: container path to host
 * directory. A local process cannot see the container's paths, so the simulator translates them in
 * what the process reads (its arguments, its environment, its ConfigMap files) — the one place
 * where the simulator differs from a kubelet, which gives the container a mount namespace instead.
 */
final class ContainerPaths {

    private final Map<String, Path> mounts;
    private final Pattern pattern;

    ContainerPaths(Map<String, Path> mounts) {
        Map<String, Path> sorted = new LinkedHashMap<>();
        mounts.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length())
            .reversed()).forEach(e -> sorted.put(stripSlash(e.getKey()), e.getValue()));
        this.mounts = sorted;
        List<String> alternatives = sorted.keySet().stream().map(Pattern::quote).toList();
        this.pattern = alternatives.isEmpty() ? null : Pattern.compile("(?<![\\w.\\-/])(" + String.join("|",
            alternatives) + ")(?=/|$|[^\\w.\\-])");
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** {@code text} with every container path under a mount replaced by its host path. */
    String translate(String text) {
        if (pattern == null || text == null) {
            return text;
        }
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(mounts.get(m.group(1)).toString()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
