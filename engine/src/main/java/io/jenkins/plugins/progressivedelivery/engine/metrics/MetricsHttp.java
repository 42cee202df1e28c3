package io.jenkins.plugins.progressivedelivery.engine.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP of every metric provider in this JVM, shared by all analyses: JDK {@link HttpClient}s (one per TLS
 * configuration) running on one small bounded pool of named daemon threads, at most {@link #maxInFlight()} requests
 * on the wire at a time (the rest wait their turn, in order), each request bounded by one deadline from the first
 * byte sent to the last byte of the body, and each body by a size limit.
 *
 * <p>A measurement in flight is a future, not a waiting thread of the caller's: a thousand analyses measuring every
 * second need a handful of threads, not one per query. On a JVM with three cores or more the exchanges are
 * {@code sendAsync}; with fewer, where the JDK would start a thread per response (see {@link #exchange}), a few
 * bounded senders make blocking exchanges instead. Either way the threads are bounded ({@link #threads()}), and
 * since an analysis asks for its next measurement only after the previous one has finished (Argo Rollouts'
 * semantics), a slow backend makes measurements late, never stacked.
 */
public final class MetricsHttp {
    /** Generous: a valid answer of 50 MB is still read; a runaway one ends with a message saying so. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;
    /** Prometheus evaluates 20 queries at a time by default ({@code --query.max-concurrency}). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 32;

    private static final class Shared {
        static final MetricsHttp INSTANCE = new MetricsHttp(
                Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), DEFAULT_MAX_IN_FLIGHT);
    }

    /** Requests on the wire at a time, when each blocks a sender (see {@link #exchange}). */
    private static final int SENDERS_ON_SMALL_JVMS = 4;

    private final ThreadPoolExecutor executor;
    /** Null where {@code sendAsync} needs no thread per request; else the threads blocked in {@code send}. */
    private final ThreadPoolExecutor senders;
    /** One thread that fails requests whose deadline passed. */
    private final ScheduledThreadPoolExecutor deadlines;
    private final int maxInFlight;
    private final Map<Object, HttpClient> clients = new ConcurrentHashMap<>();
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;
    private final AtomicInteger largestInFlight = new AtomicInteger();

    /**
     * @param threads     the pool's size (its threads end after a minute idle)
     * @param maxInFlight requests on the wire at a time
     */
    public MetricsHttp(int threads, int maxInFlight) {
        AtomicInteger number = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "progressive-delivery metrics " + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "progressive-delivery metrics deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        deadlines.setKeepAliveTime(1, TimeUnit.MINUTES);
        deadlines.allowCoreThreadTimeOut(true);
        if (ForkJoinPool.getCommonPoolParallelism() > 1) {
            this.senders = null;
            this.maxInFlight = maxInFlight;
        } else {
            int blocking = Math.min(maxInFlight, SENDERS_ON_SMALL_JVMS);
            this.senders = new ThreadPoolExecutor(blocking, blocking, 1, TimeUnit.MINUTES,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, "progressive-delivery metrics sender "
                                + number.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            senders.allowCoreThreadTimeOut(true);
            this.maxInFlight = blocking;
        }
    }

    /** The pool of this JVM. */
    public static MetricsHttp shared() {
        return Shared.INSTANCE;
    }

    /** The threads every client of this instance runs its work on; bounded. */
    public ExecutorService executor() {
        return executor;
    }

    /** The bound of the pools: the client's executor and, where requests block, the senders. */
    public int threads() {
        return executor.getMaximumPoolSize() + (senders == null ? 0 : senders.getMaximumPoolSize());
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Threads in the pool now, and the most it has had. */
    public int poolSize() {
        return executor.getPoolSize() + (senders == null ? 0 : senders.getPoolSize());
    }

    public int largestPoolSize() {
        return executor.getLargestPoolSize() + (senders == null ? 0 : senders.getLargestPoolSize());
    }

    /** The most requests that were on the wire at once. */
    public int largestInFlight() {
        return largestInFlight.get();
    }

    /**
     * The client for one TLS configuration, built once: {@code key} says what distinguishes it (never a secret: a
     * CA certificate, whether to verify), {@code build} configures a builder that already has this pool as executor.
     */
    public HttpClient client(Object key, Function<HttpClient.Builder, HttpClient> build) {
        return clients.computeIfAbsent(key, k -> build.apply(HttpClient.newBuilder().executor(executor)));
    }

    /**
     * Sends {@code request} when a slot is free; the future completes with the response, or with a
     * {@link java.util.concurrent.TimeoutException} when {@code deadline} passes first (counted from the moment it
     * is sent, and covering the body), or with {@link ResponseTooLargeException}. Cancelling the future aborts it.
     */
    public CompletableFuture<HttpResponse<byte[]>> send(HttpClient client, HttpRequest request, Duration deadline,
                                                        long maxBytes) {
        Objects.requireNonNull(deadline, "deadline");
        CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (result.isDone()) {
                finished();
                return;
            }
            CompletableFuture<HttpResponse<byte[]>> exchange = exchange(client, request, maxBytes);
            ScheduledFuture<?> timeout = deadlines.schedule(() -> {
                if (result.completeExceptionally(new TimeoutException("no complete answer within " + deadline))) {
                    exchange.cancel(true); // a deadline that passed aborts the exchange, it does not linger
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
            exchange.whenComplete((response, failure) -> {
                timeout.cancel(false);
                finished();
                if (failure != null) {
                    result.completeExceptionally(cause(failure));
                } else {
                    result.complete(response);
                }
            });
            result.whenComplete((response, failure) -> {
                if (result.isCancelled()) {
                    exchange.cancel(true);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = inFlight < maxInFlight;
            if (now) {
                inFlight++;
                largestInFlight.accumulateAndGet(inFlight, Math::max);
            } else {
                waiting.addLast(start);
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    /**
     * The exchange, without a thread waiting for it where the JDK allows. The JDK client completes every
     * {@code sendAsync} future with a hop to {@code CompletableFuture}'s default pool, which on a JVM with fewer than
     * three cores is a new thread per task: there, each exchange is a blocking {@code send} on {@link #senders}
     * (bounded; in-flight requests are limited to its size), and cancelling interrupts it, which aborts the request.
     */
    private CompletableFuture<HttpResponse<byte[]>> exchange(HttpClient client, HttpRequest request, long maxBytes) {
        if (senders == null) {
            return client.sendAsync(request, limited(maxBytes));
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = new CompletableFuture<>();
        Future<?> task = senders.submit(() -> {
            try {
                exchange.complete(client.send(request, limited(maxBytes)));
            } catch (InterruptedException e) {
                exchange.cancel(false);
            } catch (IOException | RuntimeException e) {
                exchange.completeExceptionally(e);
            }
        });
        exchange.whenComplete((response, failure) -> {
            if (failure instanceof CancellationException) {
                task.cancel(true);
            }
        });
        return exchange;
    }

    /** The failure as it happened: the JDK wraps a body subscriber's in an IOException of its own. */
    private static Throwable cause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ResponseTooLargeException) {
                return cause;
            }
        }
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private void finished() {
        Runnable next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            executor.execute(next); // not on the caller's stack: a long queue must not deepen it
        }
    }

    /** The body as bytes, or {@link ResponseTooLargeException} past {@code maxBytes} (read no further). */
    static HttpResponse.BodyHandler<byte[]> limited(long maxBytes) {
        return info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            return new LimitedBody(maxBytes, declared > maxBytes);
        };
    }

    /** A response body longer than the limit. */
    public static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        private final long limit;

        public ResponseTooLargeException(long limit) {
            super("the response is larger than " + (limit >> 20) + " MiB");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long maxBytes;
        private final boolean tooLargeAlready;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(long maxBytes, boolean tooLargeAlready) {
            this.maxBytes = maxBytes;
            this.tooLargeAlready = tooLargeAlready;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (tooLargeAlready) { // its Content-Length says so: read none of it
                subscription.cancel();
                body.completeExceptionally(new ResponseTooLargeException(maxBytes));
                return;
            }
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (bytes.size() + (long) item.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new ResponseTooLargeException(maxBytes));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return body;
        }
    }
}
