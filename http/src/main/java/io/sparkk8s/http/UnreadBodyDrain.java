package io.sparkk8s.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.server.RouteResults;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Makes sure a client gets the answer to a request whose body the route did not read to its end (a 413
 * from the declared length, a 401, a body on a GET, a body cut off at the size limit). Wraps the submission
 * daemon's routes and the resource staging server's upload routes.
 *
 * <p>Why: Pekko HTTP sends such an "early" response with {@code Connection: close} and then closes the
 * whole TCP connection (its server binds without half-close, so {@code linger-timeout} does not apply
 * here). Closing a socket with unread bytes in its receive buffer makes the kernel send a reset instead of
 * a FIN and drop what it had not sent yet; a client still sending its body (most clients send all of it
 * before they read) then sees a reset or an empty answer instead of the status (RFC 9112, section 9.6).
 *
 * <p>What it does, for a request whose body did not arrive with its headers:
 * <ol>
 * <li>When the route has answered, what it left of the body is read and dropped (also after the route
 * cancelled its read) before the answer is released, up to {@code swallowBytes} more bytes within
 * {@code swallowTime}. A body that ends within that is answered normally and the connection stays usable.
 * <li>A longer body (a huge declared length, a slow client) is answered at once (Pekko adds {@code
 * Connection: close}), and the answer's end, hence the close, is held back until the body ends, or
 * {@code lingerBytes} more were dropped, or {@code lingerTime} passed: a client that reads while it sends
 * gets the answer; nothing reads more than the bounds from a client that declared a huge length.
 * <li>A request with {@code Expect: 100-continue} whose body the route never asked for is answered at once:
 * the client has not sent its body and will not.
 * </ol>
 */
public final class UnreadBodyDrain extends AllDirectives {

    /** Bytes read and dropped after the answer is known, before it is released (as Tomcat's maxSwallowSize). */
    public static final long SWALLOW_BYTES = 2L * 1024 * 1024;
    /** Longest wait for the unread rest of a body before the answer is released anyway. */
    public static final Duration SWALLOW_TIME = Duration.ofSeconds(5);
    /** Bytes still read and dropped after an answer released early, before the connection is closed. */
    public static final long LINGER_BYTES = 16L * 1024 * 1024;
    /** Longest time an answer released early keeps its connection open for the client to read it. */
    public static final Duration LINGER_TIME = Duration.ofSeconds(2);

    private final Materializer materializer;
    private final long swallowBytes;
    private final Duration swallowTime;
    private final long lingerBytes;
    private final Duration lingerTime;

    /** With the default bounds, for a server whose request timeout is well over {@code 2 * SWALLOW_TIME}. */
    public UnreadBodyDrain(Materializer materializer) {
        this(materializer, SWALLOW_BYTES, SWALLOW_TIME, LINGER_BYTES, LINGER_TIME);
    }

    /**
     * @param materializer reads what the routes left of request bodies
     * @param requestTimeout the server's request timeout: the swallow wait stays well inside it
     */
    public UnreadBodyDrain(Materializer materializer, Duration requestTimeout) {
        this(materializer, SWALLOW_BYTES, min(SWALLOW_TIME, requestTimeout.dividedBy(2)), LINGER_BYTES, LINGER_TIME);
    }

    UnreadBodyDrain(Materializer materializer, long swallowBytes, Duration swallowTime, long lingerBytes,
        Duration lingerTime) {
        this.materializer = materializer;
        this.swallowBytes = swallowBytes;
        this.swallowTime = swallowTime;
        this.lingerBytes = lingerBytes;
        this.lingerTime = lingerTime;
    }

    /** {@code inner}, whose answers go out only as described in the class comment. */
    public Route around(Supplier<Route> inner) {
        return extractRequest(request -> {
            if (request.entity().isStrict()) {
                return inner.get();
            }
            Body body = new Body(request.entity(), materializer);
            boolean expectsContinue = expectsContinue(request);
            return mapRequest(r -> r.withEntity(body.entity), () -> mapRouteResultWith(
                result -> settle(result, body, expectsContinue), inner));
        });
    }

    private CompletionStage<RouteResult> settle(RouteResult result, Body body, boolean expectsContinue) {
        if (!(result instanceof Complete complete)) {
            return CompletableFuture.completedFuture(result);
        }
        if (!body.claimed()) {
            if (expectsContinue) {
                return CompletableFuture.completedFuture(result);
            }
            body.drainUnread(materializer);
        }
        CompletableFuture<Object> swallowed = CompletableFuture.anyOf(body.ended, body.reached(swallowBytes))
            .completeOnTimeout(Boolean.FALSE, swallowTime.toMillis(), TimeUnit.MILLISECONDS);
        return swallowed.thenApply(ignored -> body.ended.isDone() ? result
            : RouteResults.complete(lingering(complete.getResponse(), body)));
    }

    /**
     * The answer with the same bytes, whose end waits until the body ended, or {@code lingerBytes} more were
     * dropped, or {@code lingerTime} passed: its connection is closed only then.
     */
    private HttpResponse lingering(HttpResponse response, Body body) {
        if (!(response.entity() instanceof HttpEntity.Strict strict) || strict.getData().isEmpty()) {
            return response;
        }
        CompletableFuture<ByteString> released = CompletableFuture.anyOf(body.ended, body.reached(lingerBytes))
            .completeOnTimeout(Boolean.FALSE, lingerTime.toMillis(), TimeUnit.MILLISECONDS)
            .handle((ignored, failure) -> ByteString.emptyByteString());
        Source<ByteString, ?> bytes = Source.single(strict.getData())
            .concat(Source.completionStage(released).filter(b -> !b.isEmpty()));
        return response.withEntity(HttpEntities.create(strict.getContentType(), strict.getData().size(), bytes));
    }

    private static boolean expectsContinue(HttpRequest request) {
        return request.getHeader("Expect").map(h -> h.value().trim().equalsIgnoreCase("100-continue"))
            .orElse(false);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A request body as the routes see it, with what was read of it and whether it ended. */
    private static final class Body {

        /** Set by whoever reads the body first: a route, or {@link #drainUnread}. */
        private final AtomicBoolean claimed = new AtomicBoolean();
        /** Completed when the body's stream ends: true when it was read to its end. */
        private final CompletableFuture<Boolean> ended = new CompletableFuture<>();
        private final AtomicLong seen = new AtomicLong();
        private final ConcurrentLinkedQueue<Mark> marks = new ConcurrentLinkedQueue<>();
        private final Source<ByteString, NotUsed> data;
        private final RequestEntity entity;

        private record Mark(long at, CompletableFuture<Void> reached) {
        }

        Body(RequestEntity original, Materializer materializer) {
            // No size limit on the connection's stream: draining must not stop at the server's default limit.
            data = original.withoutSizeLimit().getDataBytes().via(new DrainAfterCancel(this))
                .mapMaterializedValue(m -> NotUsed.getInstance());
            // The routes' stream runs apart from the connection's: a size limit a route sets (an attribute, which
            // Pekko applies to every limit stage of the stream) must fail the route's read, not cancel the
            // connection's stream, which would close the connection with the rest of the body unread.
            Source<ByteString, ?> forRoutes = Source.lazySource(() -> claimed.compareAndSet(false, true)
                ? Source.fromPublisher(data.runWith(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), materializer))
                : Source.failed(new IllegalStateException("the request body was read already")));
            entity = original.getContentLengthOption().isPresent()
                ? HttpEntities.create(original.getContentType(), original.getContentLengthOption().getAsLong(),
                    forRoutes)
                : HttpEntities.createChunked(original.getContentType(), forRoutes);
        }

        boolean claimed() {
            return claimed.get();
        }

        /** Reads and drops the body, unless a route reads it. */
        void drainUnread(Materializer materializer) {
            if (claimed.compareAndSet(false, true)) {
                data.runWith(Sink.cancelled(), materializer);
            }
        }

        /** Completes once {@code more} bytes beyond those read so far have been read. */
        CompletableFuture<Void> reached(long more) {
            Mark mark = new Mark(seen.get() + more, new CompletableFuture<>());
            marks.add(mark);
            if (seen.get() >= mark.at()) {
                mark.reached().complete(null);
            }
            return mark.reached();
        }

        void read(int bytes) {
            long total = seen.addAndGet(bytes);
            for (Mark mark : marks) {
                if (total >= mark.at()) {
                    mark.reached().complete(null);
                    marks.remove(mark);
                }
            }
        }
    }

    /**
     * Passes a body's bytes on; when its reader cancels, keeps reading and dropping them instead of
     * cancelling the body (which would close the connection with the rest unread).
     */
    private static final class DrainAfterCancel extends GraphStage<FlowShape<ByteString, ByteString>> {

        private final Inlet<ByteString> in = Inlet.create("UnreadBodyDrain.in");
        private final Outlet<ByteString> out = Outlet.create("UnreadBodyDrain.out");
        private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
        private final Body body;

        DrainAfterCancel(Body body) {
            this.body = body;
        }

        @Override
        public FlowShape<ByteString, ByteString> shape() {
            return shape;
        }

        @Override
        public GraphStageLogic createLogic(Attributes inheritedAttributes) {
            return new GraphStageLogic(shape) {
                {
                    setHandler(in, new AbstractInHandler() {
                        @Override
                        public void onPush() {
                            ByteString bytes = grab(in);
                            body.read(bytes.size());
                            if (isClosed(out)) {
                                pull(in);
                            } else {
                                push(out, bytes);
                            }
                        }

                        @Override
                        public void onUpstreamFinish() {
                            body.ended.complete(true);
                            completeStage();
                        }

                        @Override
                        public void onUpstreamFailure(Throwable cause) {
                            body.ended.complete(false);
                            failStage(cause);
                        }
                    });
                    setHandler(out, new AbstractOutHandler() {
                        @Override
                        public void onPull() {
                            pull(in);
                        }

                        @Override
                        public void onDownstreamFinish(Throwable cause) {
                            if (!hasBeenPulled(in)) {
                                pull(in);
                            }
                        }
                    });
                }

                @Override
                public void postStop() {
                    body.ended.complete(false);
                }
            };
        }
    }
}
