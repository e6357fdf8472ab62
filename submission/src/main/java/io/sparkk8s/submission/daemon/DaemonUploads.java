package io.sparkk8s.submission.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Local files sent with a submission as the daemon's multipart {@code POST /v1/submissions}: {@code jars}
 * (the local jars and a local jar primary resource) and {@code files} (local files, Python files, archives and
 * a local script). The submission names each by its file name alone (e.g. {@code "jars": ["dep.jar"]});
 * each list becomes one tar bundle part, packed while it is sent.
 *
 * @param jars  the files of the {@code jars} bundle
 * @param files the files of the {@code files} bundle
 */
public record DaemonUploads(List<Path> jars, List<Path> files) {

    /** The names the daemon takes for an uploaded file: no directories, no spaces. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");

    /** Nothing to upload: the submission is sent as plain JSON. */
    public static final DaemonUploads NONE = new DaemonUploads(List.of(), List.of());

    /**
     * Checks that every file is a regular file whose name the daemon takes, and that no two files of one
     * bundle share a name; a file given twice is packed once.
     *
     * @throws IllegalArgumentException naming the file that cannot be uploaded
     */
    public DaemonUploads {
        jars = distinct("jars", jars);
        files = distinct("files", files);
    }

    /** Whether there is nothing to upload. */
    public boolean isEmpty() {
        return jars.isEmpty() && files.isEmpty();
    }

    private static List<Path> distinct(String bundle, List<Path> paths) {
        Map<String, Path> byName = new HashMap<>();
        LinkedHashSet<Path> unique = new LinkedHashSet<>();
        for (Path given : paths) {
            Path path = given.toAbsolutePath().normalize();
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(given + ": the daemon takes uploaded files named by letters,"
                    + " digits, '.', '_', '+' and '-' only (starting with a letter, digit or '_'); rename it");
            }
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new IllegalArgumentException(given + ": not a readable regular file; only files can be"
                    + " uploaded (no directories)");
            }
            Path other = byName.putIfAbsent(name, path);
            if (other != null && !other.equals(path)) {
                throw new IllegalArgumentException(given + ": the " + bundle + " bundle already holds " + other
                    + " under the same name '" + name + "'; the daemon names uploaded files by their names alone");
            }
            unique.add(path);
        }
        return List.copyOf(unique);
    }
}
