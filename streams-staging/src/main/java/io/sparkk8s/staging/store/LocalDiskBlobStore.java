package io.sparkk8s.staging.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkk8s.staging.Checksums;
import io.sparkk8s.staging.StagedResourcesOwner;
import io.sparkk8s.staging.StagedResourcesOwnerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link BlobStore}: bundles as files under a root directory, with a durable index.
 *
 * <pre>
 * root/tmp/&lt;uuid&gt;.part       uploads in progress (removed on failure and at start)
 * root/tmp/&lt;id&gt;.json.tmp    index entries being written (removed at start)
 * root/blobs/&lt;id&gt;            committed content, never modified
 * root/blobs/&lt;id&gt;.json       its index entry, replaced atomically
 * </pre>
 *
 * While an upload streams, its temporary file is forced to disk every few MiB in the background
 * ({@link WriteBehind}), so the fsync after the last byte has little left to write. The content is
 * then fsynced; on commit the index entry is written to a temporary file and fsynced, both are renamed
 * into {@code blobs/}, and one fsync of that directory makes both names durable; only then is the
 * upload acknowledged. Concurrent commits share that directory fsync ({@link GroupDirectorySync}), so
 * an upload costs two fsyncs of its own plus a share of one. A bundle exists exactly when its index
 * entry and content both do: at start, content without an entry and entries without content are
 * removed, so a crash at any point leaves a consistent store. Stores written by earlier versions
 * (entries in {@code root/index/}) are moved to this layout at start.
 * Reads open the file before answering, so a delete during a download never truncates it (POSIX
 * keeps an unlinked, open file readable).
 */
public final class LocalDiskBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDiskBlobStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern UUID_PATTERN =
        Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int READ_CHUNK = 1024 * 1024;
    /** How much of an upload may go by between two background forces of its temporary file. */
    private static final long WRITE_BEHIND_BYTES = 8L * 1024 * 1024;
    private static final String ENTRY_SUFFIX = ".json";
    private static final Executor INLINE = Runnable::run;
    private static final int LOCK_STRIPES = 64;
    /** Compared against when the id is unknown, so that path costs the same as a wrong secret. */
    private static final byte[] NO_SECRET = new byte[32];

    private final Path tmpDir;
    private final Path blobDir;
    /** Where entries lived before they moved next to their content; migrated at start. */
    private final Path legacyIndexDir;
    private final GroupDirectorySync blobDirSync;
    private final Executor blockingIo;
    private final Materializer materializer;
    private final Clock clock;
    private final Function<Path, Sink<ByteString, CompletionStage<IOResult>>> fileSink;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, BundleEntry> entries = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCK_STRIPES];

    private LocalDiskBlobStore(Path root, Executor blockingIo, Materializer materializer, Clock clock,
        Function<Path, Sink<ByteString, CompletionStage<IOResult>>> fileSink) {
        this.tmpDir = root.resolve("tmp");
        this.blobDir = root.resolve("blobs");
        this.legacyIndexDir = root.resolve("index");
        this.blobDirSync = new GroupDirectorySync(blobDir);
        this.blockingIo = blockingIo;
        this.materializer = materializer;
        this.clock = clock;
        this.fileSink = fileSink;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens (creating if needed) the store under {@code root} and recovers its index.
     *
     * @param blockingIo where file I/O runs (a dispatcher for blocking work, never the default one)
     * @throws IOException if the directories cannot be created or read
     */
    public static LocalDiskBlobStore open(Path root, Executor blockingIo, Materializer materializer)
        throws IOException {
        return open(root, blockingIo, materializer, Clock.systemUTC(), FileIO::toPath);
    }

    /**
     * As {@link #open(Path, Executor, Materializer)}, with the clock and the sink that writes upload
     * content to a temporary file given; tests use the latter to simulate a full disk.
     */
    public static LocalDiskBlobStore open(Path root, Executor blockingIo, Materializer materializer, Clock clock,
        Function<Path, Sink<ByteString, CompletionStage<IOResult>>> fileSink) throws IOException {
        LocalDiskBlobStore store = new LocalDiskBlobStore(root, blockingIo, materializer, clock, fileSink);
        store.recover();
        return store;
    }

    @Override
    public CompletionStage<PendingBlob> write(Source<ByteString, ?> content) {
        Path temp = tmpDir.resolve(UUID.randomUUID() + ".part");
        WriteBehind writeBehind = new WriteBehind(temp, WRITE_BEHIND_BYTES, blockingIo);
        Pair<CompletionStage<String>, CompletionStage<IOResult>> done;
        try {
            done = content.viaMat(Checksums.sha256(), Keep.right()).via(writeBehind.flow())
                .toMat(fileSink.apply(temp), Keep.both()).run(materializer);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<PendingBlob> result = new CompletableFuture<>();
        // The stages come from Pekko (Scala futures as CompletionStage), whose non-async callbacks go to the
        // common pool; with fewer than 3 cores that starts a new thread per callback. Run them inline.
        done.second().whenCompleteAsync((io, ioFailure) -> done.first().whenCompleteAsync((sha, shaFailure) -> {
            writeBehind.close();
            Throwable failure = ioFailure != null ? ioFailure : shaFailure;
            if (failure != null) {
                blockingIo.execute(() -> {
                    deleteQuietly(temp);
                    result.completeExceptionally(asStorageFailure(unwrap(failure)));
                });
                return;
            }
            // The content's fsync starts now and runs while the caller commits: the commit writes the
            // index entry meanwhile and waits for both, so the two fsyncs overlap instead of queueing.
            CompletableFuture<Void> durable = CompletableFuture.supplyAsync(unchecked(() -> {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                return null;
            }), blockingIo).thenAccept(ignored -> { });
            result.complete(new LocalPendingBlob(temp, io.getCount(), sha, durable));
        }, INLINE), INLINE);
        return result;
    }

    @Override
    public CompletionStage<Optional<BundleDownload>> open(String id, String secret) {
        return async(() -> {
            if (!secretMatches(id, secret)) {
                return Optional.empty();
            }
            synchronized (lockFor(id)) {
                BundleEntry current = entries.get(id);
                if (current == null) {
                    return Optional.empty();
                }
                FileChannel channel;
                try {
                    channel = FileChannel.open(blobPath(id), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                BundleEntry accessed = current.accessedAt(clock.instant());
                if (current.state() != BundleState.USED) {
                    // Only the first access changes what the cleaner decides on, so only it is made durable;
                    // later access times live in memory (an fsync per download would halve small-bundle rates).
                    try {
                        writeIndex(accessed);
                    } catch (IOException e) {
                        LOG.warn("bundle {}: could not record the access in the index ({}); serving it anyway",
                            id, e.toString());
                    }
                }
                entries.put(id, accessed);
                return Optional.of(new BundleDownload(accessed, read(channel)));
            }
        });
    }

    @Override
    public CompletionStage<Boolean> authorize(String id, String secret) {
        return async(() -> secretMatches(id, secret));
    }

    @Override
    public CompletionStage<Optional<BundleEntry>> find(String id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(id == null ? null : entries.get(id)));
    }

    @Override
    public CompletionStage<List<BundleEntry>> list() {
        return CompletableFuture.completedFuture(List.copyOf(entries.values()));
    }

    @Override
    public CompletionStage<Boolean> markUsed(String id) {
        return async(() -> {
            synchronized (lockFor(id)) {
                BundleEntry current = entries.get(id);
                if (current == null) {
                    return false;
                }
                BundleEntry used = current.markedUsed();
                writeIndex(used);
                entries.put(id, used);
                return true;
            }
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String id) {
        return async(() -> deleteNow(id, entry -> true));
    }

    @Override
    public CompletionStage<List<BundleEntry>> expireUnused(Instant createdBefore) {
        return async(() -> {
            List<BundleEntry> expired = new ArrayList<>();
            for (BundleEntry candidate : List.copyOf(entries.values())) {
                if (isExpired(candidate, createdBefore)
                    && deleteNow(candidate.id(), current -> isExpired(current, createdBefore))) {
                    LOG.info("bundle {}: never downloaded since {}, expired", candidate.id(), candidate.created());
                    expired.add(candidate);
                }
            }
            return List.copyOf(expired);
        });
    }

    /**
     * The content of an already opened channel. Each chunk is read into a fresh array that the
     * ByteString takes over without copying (one copy less than FileIO or an InputStream); runs on
     * the stream's blocking-I/O dispatcher, like FileIO.
     */
    private static Source<ByteString, org.apache.pekko.NotUsed> read(FileChannel channel) {
        return Source.unfoldResource(() -> channel, open -> {
            byte[] chunk = new byte[READ_CHUNK];
            int read = open.read(java.nio.ByteBuffer.wrap(chunk));
            return read < 0 ? Optional.empty() : Optional.of(ByteString.fromArrayUnsafe(chunk, 0, read));
        }, FileChannel::close);
    }

    private static boolean isExpired(BundleEntry entry, Instant createdBefore) {
        return entry.state() == BundleState.UNUSED && entry.created().isBefore(createdBefore);
    }

    private boolean deleteNow(String id, java.util.function.Predicate<BundleEntry> stillWanted) throws IOException {
        if (id == null || !UUID_PATTERN.matcher(id).matches()) {
            return false;
        }
        synchronized (lockFor(id)) {
            BundleEntry current = entries.get(id);
            if (current == null || !stillWanted.test(current)) {
                return false;
            }
            // The entry goes first: a crash after it leaves an orphan blob, which recovery removes.
            Files.deleteIfExists(indexPath(id));
            blobDirSync.sync();
            entries.remove(id);
            Files.deleteIfExists(blobPath(id));
            return true;
        }
    }

    private boolean secretMatches(String id, String secret) {
        byte[] presented = sha256(secret == null ? "" : secret);
        BundleEntry entry = id == null ? null : entries.get(id);
        byte[] expected = entry == null ? NO_SECRET : HexFormat.of().parseHex(entry.secretSha256());
        boolean equal = MessageDigest.isEqual(presented, expected);
        return equal && entry != null && secret != null && !secret.isEmpty();
    }

    private CompletionStage<NewBundle> commit(Path temp, long size, String contentSha256, StagedResourcesOwner owner,
        CompletableFuture<Void> contentDurable) {
        String id = UUID.randomUUID().toString();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = clock.instant();
        BundleEntry entry = new BundleEntry(id, HexFormat.of().formatHex(sha256(secret)), owner, size,
            contentSha256, now, now, BundleState.UNUSED);
        // No lock: nobody else knows the new id until it is in the map. The entry is written and
        // fsynced while the content's fsync runs; then both are renamed into one directory, so one
        // (shared) fsync of it makes content and entry durable together.
        Path entryTemp = entryTempPath(id);
        CompletableFuture<Void> entryDurable = CompletableFuture.supplyAsync(unchecked(() -> {
            writeDurably(entryTemp, entry);
            return null;
        }), blockingIo).thenAccept(ignored -> { });
        return CompletableFuture.allOf(contentDurable, entryDurable).handleAsync((ignored, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = unwrap(failure);
                    throw cause instanceof UncheckedIOException io ? io.getCause()
                        : new IOException("could not store the upload", cause);
                }
                Files.move(temp, blobPath(id), StandardCopyOption.ATOMIC_MOVE);
                Files.move(entryTemp, indexPath(id), StandardCopyOption.ATOMIC_MOVE);
                blobDirSync.sync();
            } catch (IOException e) {
                deleteQuietly(indexPath(id));
                deleteQuietly(blobPath(id));
                deleteQuietly(entryTemp);
                deleteQuietly(temp);
                throw new CompletionException(asStorageFailure(e));
            }
            entries.put(id, entry);
            LOG.info("bundle {}: stored {} bytes for owner {} (sha256 {})", id, size, owner, contentSha256);
            return new NewBundle(entry, secret);
        }, blockingIo);
    }

    /** Replaces the entry of an existing bundle durably (caller holds the bundle's lock). */
    private void writeIndex(BundleEntry entry) throws IOException {
        Path temp = entryTempPath(entry.id());
        writeDurably(temp, entry);
        Files.move(temp, indexPath(entry.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        blobDirSync.sync();
    }

    private static void writeDurably(Path file, BundleEntry entry) throws IOException {
        byte[] json = MAPPER.writeValueAsBytes(toJson(entry));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    private void recover() throws IOException {
        Files.createDirectories(tmpDir);
        Files.createDirectories(blobDir);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmpDir)) {
            for (Path leftover : leftovers) {
                LOG.info("removing unfinished upload or entry {}", leftover.getFileName());
                Files.deleteIfExists(leftover);
            }
        }
        migrateLegacyIndex();
        List<Path> contents = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blobDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.endsWith(ENTRY_SUFFIX)) {
                    contents.add(file);
                    continue;
                }
                BundleEntry entry;
                try {
                    entry = fromJson(MAPPER.readTree(Files.readAllBytes(file)));
                } catch (IOException | RuntimeException e) {
                    LOG.error("index entry {} is unreadable ({}); its bundle is not served", file, e.toString());
                    continue;
                }
                if (!name.equals(entry.id() + ENTRY_SUFFIX) || !Files.isRegularFile(blobPath(entry.id()))) {
                    LOG.warn("index entry {} has no content; removing it", file);
                    Files.deleteIfExists(file);
                    continue;
                }
                entries.put(entry.id(), entry);
            }
        }
        for (Path blob : contents) {
            String id = blob.getFileName().toString();
            if (!entries.containsKey(id) && !Files.exists(indexPath(id))) {
                LOG.warn("content {} was never acknowledged; removing it", id);
                Files.deleteIfExists(blob);
            }
        }
        LOG.info("blob store at {}: {} bundles", blobDir.getParent(), entries.size());
    }

    /**
     * Moves entries of the earlier layout ({@code root/index/<id>.json}, content in {@code blobs/}) next
     * to their content. Each step is a rename, so a crash part-way leaves entries in either place and the
     * next start finishes the move; entries whose content is missing are dropped as recovery would.
     */
    private void migrateLegacyIndex() throws IOException {
        if (!Files.isDirectory(legacyIndexDir)) {
            return;
        }
        int moved = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(legacyIndexDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.endsWith(ENTRY_SUFFIX) ? name.substring(0, name.length() - ENTRY_SUFFIX.length()) : "";
                if (UUID_PATTERN.matcher(id).matches() && Files.isRegularFile(blobPath(id))) {
                    Files.move(file, indexPath(id), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                    moved++;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        }
        GroupDirectorySync.fsyncDirectory(blobDir);
        Files.delete(legacyIndexDir);
        GroupDirectorySync.fsyncDirectory(legacyIndexDir.getParent());
        LOG.info("blob store at {}: moved {} index entries from index/ next to their content in blobs/",
            blobDir.getParent(), moved);
    }

    private static ObjectNode toJson(BundleEntry entry) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", 1);
        node.put("id", entry.id());
        node.put("secretSha256", entry.secretSha256());
        node.set("owner", StagedResourcesOwnerJson.toTree(entry.owner()));
        node.put("size", entry.size());
        node.put("contentSha256", entry.contentSha256());
        node.put("created", entry.created().toString());
        node.put("lastAccess", entry.lastAccess().toString());
        node.put("state", entry.state().name());
        return node;
    }

    private static BundleEntry fromJson(JsonNode node) {
        return new BundleEntry(node.get("id").textValue(), node.get("secretSha256").textValue(),
            StagedResourcesOwnerJson.parse(node.get("owner").toString()), node.get("size").longValue(),
            node.get("contentSha256").textValue(), Instant.parse(node.get("created").textValue()),
            Instant.parse(node.get("lastAccess").textValue()), BundleState.valueOf(node.get("state").textValue()));
    }

    private Path blobPath(String id) {
        return blobDir.resolve(id);
    }

    private Path indexPath(String id) {
        return blobDir.resolve(id + ENTRY_SUFFIX);
    }

    private Path entryTempPath(String id) {
        return tmpDir.resolve(id + ENTRY_SUFFIX + ".tmp");
    }

    private Object lockFor(String id) {
        return locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)];
    }

    private <T> CompletionStage<T> async(IoSupplier<T> work) {
        return CompletableFuture.supplyAsync(unchecked(work), blockingIo);
    }

    private static <T> Supplier<T> unchecked(IoSupplier<T> work) {
        return () -> {
            try {
                return work.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", path, e.toString());
        }
    }

    private static byte[] sha256(String text) {
        return HexFormat.of().parseHex(Checksums.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof org.apache.pekko.stream.IOOperationIncompleteException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Out-of-space anywhere in the cause chain becomes {@link InsufficientStorageException}. */
    private static Throwable asStorageFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InsufficientStorageException) {
                return t;
            }
            String message = t.getMessage();
            if (t instanceof IOException && message != null
                && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return new InsufficientStorageException("the blob store is full: " + message, failure);
            }
        }
        return failure;
    }

    private static IOException asStorageFailure(IOException failure) {
        Throwable mapped = asStorageFailure((Throwable) failure);
        return mapped instanceof IOException io ? io : failure;
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private final class LocalPendingBlob implements PendingBlob {
        private final Path temp;
        private final long size;
        private final String contentSha256;
        private final CompletableFuture<Void> durable;
        private final AtomicBoolean finished = new AtomicBoolean();

        LocalPendingBlob(Path temp, long size, String contentSha256, CompletableFuture<Void> durable) {
            this.temp = temp;
            this.size = size;
            this.contentSha256 = contentSha256;
            this.durable = durable;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String contentSha256() {
            return contentSha256;
        }

        @Override
        public CompletionStage<NewBundle> commit(StagedResourcesOwner owner) {
            if (!finished.compareAndSet(false, true)) {
                return CompletableFuture.failedFuture(new IllegalStateException("upload already committed or"
                    + " discarded"));
            }
            return LocalDiskBlobStore.this.commit(temp, size, contentSha256, owner, durable);
        }

        @Override
        public void discard() {
            if (finished.compareAndSet(false, true)) {
                blockingIo.execute(() -> deleteQuietly(temp));
            }
        }
    }
}
