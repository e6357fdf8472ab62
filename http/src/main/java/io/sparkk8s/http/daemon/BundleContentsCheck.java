package io.sparkk8s.http.daemon;

import io.sparkk8s.http.daemon.SubmissionTranslator.FieldProblem;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * Checks a bundle part's tar (or tar.gz) entries against the file names its submission gives, while
 * the part streams through to the staging server: the bytes pass unchanged, and a copy of them is read
 * as a tar on a blocking executor, headers only (entry content is skipped). Nothing is buffered beyond
 * a couple of stream elements, and the bundle is read once.
 *
 * <p>A bundle must hold exactly the named files, as regular files at its top level ({@code ./name}
 * too, and a {@code ./} directory entry is allowed); anything else is a {@link FieldProblem} naming
 * the part. An unreadable tar, an unnamed entry, a named entry that is no regular file, or one given
 * twice stops the part at once (the upload to the staging server is aborted); names missing from the
 * bundle are known at its end.
 */
final class BundleContentsCheck {

    /** Largest pax or GNU long-name header: these are read into memory, the rest of a bundle is not. */
    static final int MAX_EXTENDED_HEADER = 1024 * 1024;
    /** How many names a message lists before it says how many more there are. */
    private static final int LISTED = 10;
    private static final int LONGEST_NAME_SHOWN = 100;

    private final Executor blocking;
    private final Duration readTimeout;

    /**
     * @param blocking where the tar headers are read (one thread per bundle while it streams)
     * @param readTimeout how long the reader waits for the next bytes of the part
     */
    BundleContentsCheck(Executor blocking, Duration readTimeout) {
        this.blocking = blocking;
        this.readTimeout = readTimeout;
    }

    /**
     * The part's bytes unchanged, checked on the side. The value completes with the problem found, or
     * empty when the bundle holds exactly {@code expected}; it is completed before the stream is
     * failed for a problem found early. It completes exceptionally when the part's bytes did not end
     * normally (the stream failed or was cut short; that failure is the answer then).
     *
     * @param part the part's name, the field of the problems
     * @param expected each file name the submission gives, with the submission field that gives it
     */
    Flow<ByteString, ByteString, CompletionStage<Optional<FieldProblem>>> flow(String part,
        Map<String, String> expected) {
        Map<String, String> names = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
        // Broadcast that does not cancel eagerly: when the reader is done (end of the tar) the bytes still
        // go to the staging server, and when the upload fails the reader still sees the whole part.
        Sink<ByteString, InputStream> side = StreamConverters.asInputStream(readTimeout)
            .addAttributes(Attributes.inputBuffer(2, 2));
        Flow<ByteString, ByteString, Pair<UniqueKillSwitch, InputStream>> tee = Flow.fromGraph(GraphDSL.create(
            KillSwitches.<ByteString>single(), side, Keep.both(), (b, kill, sink) -> {
                UniformFanOutShape<ByteString, ByteString> split = b.add(Broadcast.create(2, false));
                b.from(kill.out()).toFanOut(split);
                b.from(split.out(1)).to(sink);
                return FlowShape.of(kill.in(), split.out(0));
            }));
        return tee.mapMaterializedValue(pair -> {
            CompletableFuture<Optional<FieldProblem>> verdict = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> {
                try {
                    Optional<FieldProblem> problem = read(pair.second(), part, names);
                    verdict.complete(problem);
                    problem.ifPresent(p -> pair.first().abort(p));
                } catch (IOException | RuntimeException e) {
                    verdict.completeExceptionally(e);
                }
            }, blocking).exceptionally(e -> {
                verdict.completeExceptionally(e);
                return null;
            });
            return verdict;
        });
    }

    /**
     * Reads {@code in} as a tar (gzip-compressed or not: from its first bytes), headers only, and
     * closes it. Throws the {@link IOException} of {@code in} itself (the part did not end normally).
     */
    static Optional<FieldProblem> read(InputStream in, String part, Map<String, String> expected)
        throws IOException {
        PartBytes bytes = new PartBytes(in);
        Set<String> found = new LinkedHashSet<>();
        try (bytes) {
            BufferedInputStream buffered = new BufferedInputStream(bytes, 64 * 1024);
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            try (TarArchiveInputStream tar = new BoundedHeaders(gzip ? new GZIPInputStream(buffered, 64 * 1024)
                : buffered)) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName();
                    while (name.startsWith("./")) {
                        name = name.substring(2);
                    }
                    if (name.isEmpty() && entry.isDirectory()) {
                        continue;
                    }
                    if (!expected.containsKey(name)) {
                        return problem(part, "holds " + shown(entry.getName()) + " (" + kind(entry) + "), which the"
                            + " submission does not name; a bundle holds exactly the files its submission names, at its"
                            + " top level: " + listed(expected.keySet()));
                    }
                    if (!regular(entry)) {
                        return problem(part, shown(name) + " (named in " + expected.get(name) + ") is " + kind(entry)
                            + " in the bundle; the named files must be regular files");
                    }
                    if (!found.add(name)) {
                        return problem(part, "holds " + shown(name) + " twice; a bundle holds each named file once");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (bytes.failure != null) {
                throw bytes.failure;
            }
            return problem(part, "not a readable tar or tar.gz bundle: " + e.getMessage()
                + "; send the files as a tar archive (tar cf, or tar czf)");
        }
        if (bytes.failure != null) {
            throw bytes.failure;
        }
        Map<String, String> missing = new LinkedHashMap<>(expected);
        missing.keySet().removeAll(found);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        List<String> described = new ArrayList<>();
        missing.forEach((name, field) -> described.add(shown(name) + " (" + field + ")"));
        return problem(part, "the bundle lacks files the submission names: " + listed(described) + "; it holds "
            + (found.isEmpty() ? "none of them" : listed(found)));
    }

    /** A regular file: type '0' (or the old '\0'), or '7' (contiguous, read as regular by tar). */
    private static boolean regular(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return !entry.isDirectory() && (type == TarArchiveEntry.LF_NORMAL || type == TarArchiveEntry.LF_OLDNORM
            || type == TarArchiveEntry.LF_CONTIG);
    }

    private static String kind(TarArchiveEntry entry) {
        if (entry.isDirectory()) {
            return "a directory";
        }
        if (entry.isSymbolicLink()) {
            return "a symbolic link to " + shown(entry.getLinkName());
        }
        if (entry.isLink()) {
            return "a hard link to " + shown(entry.getLinkName());
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            return "a device file";
        }
        if (entry.isFIFO()) {
            return "a FIFO";
        }
        return regular(entry) ? "a file" : "an entry of type '" + (char) entry.getLinkFlag() + "'";
    }

    private static String shown(String name) {
        String cut = name.length() > LONGEST_NAME_SHOWN ? name.substring(0, LONGEST_NAME_SHOWN) + "…" : name;
        return "'" + cut + "'";
    }

    private static String listed(java.util.Collection<String> names) {
        List<String> shown = new ArrayList<>();
        for (String name : names) {
            if (shown.size() == LISTED) {
                break;
            }
            shown.add(name.startsWith("'") ? name : shown(name));
        }
        String text = String.join(", ", shown);
        return names.size() > LISTED ? text + " and " + (names.size() - LISTED) + " more" : text;
    }

    private static Optional<FieldProblem> problem(String part, String message) {
        return Optional.of(new FieldProblem(List.of(new FieldProblem.Problem(part, message))));
    }

    /** The part's bytes; remembers a failure of the stream itself, which is not the bundle's fault. */
    private static final class PartBytes extends FilterInputStream {
        private IOException failure;

        PartBytes(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * Refuses pax and GNU long-name headers over {@link #MAX_EXTENDED_HEADER} before commons-compress
     * reads them into memory (a header's size is the sender's choice, up to the whole part).
     */
    private static final class BoundedHeaders extends TarArchiveInputStream {

        BoundedHeaders(InputStream in) {
            super(in);
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null && TarUtils.verifyCheckSum(record)) {
                byte type = record[156];
                if (type == 'x' || type == 'g' || type == 'X' || type == 'L' || type == 'K') {
                    long size;
                    try {
                        size = TarUtils.parseOctalOrBinary(record, 124, 12);
                    } catch (IllegalArgumentException e) {
                        return record;
                    }
                    if (size > MAX_EXTENDED_HEADER) {
                        throw new IOException("an extended (pax or long name) header of " + size + " bytes; at most "
                            + MAX_EXTENDED_HEADER + " are read");
                    }
                }
            }
            return record;
        }
    }
}
