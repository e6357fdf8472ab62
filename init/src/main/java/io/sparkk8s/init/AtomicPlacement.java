package io.sparkk8s.init;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Puts downloads in place only once they are complete and verified: each is written under a hidden
 * temporary name in the target directory (same file system, so the final step is a rename) and moved
 * to its name at the end. A name that is already taken is an error, never a silent overwrite.
 */
final class AtomicPlacement {

    static final String TEMP_PREFIX = ".spark-init-";

    private AtomicPlacement() {
    }

    /** A fresh temporary file or directory name inside {@code dir}. */
    static Path temporary(Path dir, String hint) throws IOException {
        Files.createDirectories(dir);
        return Files.createTempFile(dir, TEMP_PREFIX, "-" + hint.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** A fresh temporary directory inside {@code dir}. */
    static Path temporaryDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir, TEMP_PREFIX);
    }

    /** Renames {@code from} to {@code to}; fails if {@code to} exists. */
    static void place(Path from, Path to) throws DownloadException {
        try {
            Files.move(from, to);
        } catch (FileAlreadyExistsException e) {
            throw new DownloadException("" + to + " already exists (two dependencies with the same file"
                + " name?); rename one of them", false, e);
        } catch (IOException e) {
            throw new DownloadException("cannot move the download to " + to + " (" + e + ")", false, e);
        }
    }

    /** Moves every entry of {@code extracted} into {@code target}, then removes {@code extracted}. */
    static void placeAll(Path extracted, Path target) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(extracted)) {
            for (Path entry : entries) {
                place(entry, target.resolve(entry.getFileName().toString()));
            }
        }
        Files.delete(extracted);
    }

    /** Deletes {@code path} and everything under it, if it exists; best effort. */
    static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover temporary name is harmless
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
