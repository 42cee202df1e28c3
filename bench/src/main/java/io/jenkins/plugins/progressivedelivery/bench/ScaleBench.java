package io.jenkins.plugins.progressivedelivery.bench;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteMeasurementSource;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * N analyses in one JVM, each measuring a real Prometheus every second, through the plugin's measurement path on the
 * controller, with Jenkins' shared Timer emulated (10 threads) and the plugin's I/O executor. The baseline is an
 * async loop: one JDK HttpClient, two threads, at most 32 queries in flight (Prometheus evaluates 20 at a time by
 * default), the same queries each second. Threads and heap are sampled every 50 ms.
 */
final class ScaleBench {
    record Result(int analyses, int count, Figures plugin, Figures asyncLoop, int successful, long measurements) { }

    record Figures(int peakThreads, long peakHeapMiB, double seconds) { }

    /** Jenkins' own Timer (10 threads), emulated: there whether or not the plugin runs, so not counted. */
    private static final String TIMER = "jenkins.util.Timer [#";

    static Result run(LocalPrometheus prometheus, int analyses, int count, Supplier<ExecutorService> pluginIo)
            throws Exception {
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - name: up
                    interval: 1s
                    count: %d
                    successCondition: result[0] == 1
                    provider: {prometheus: {address: '%s', query: 'vector(1)', timeout: 10s}}
                """.formatted(count, prometheus.url()), "bench");
        Figures baseline = sample(() -> asyncLoop(prometheus.url(), analyses, count));
        AtomicInteger successful = new AtomicInteger();
        AtomicLong measurements = new AtomicLong();
        Figures plugin = sample(() -> {
            AtomicInteger timerThreads = new AtomicInteger();
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(10,
                    runnable -> new Thread(runnable, TIMER + timerThreads.incrementAndGet()));
            ExecutorService io = pluginIo.get();
            try {
                ExecutorScheduler scheduler = new ExecutorScheduler(timer);
                MeasurementSource source = new RemoteMeasurementSource(Where.controller(), PrometheusAccess.ANONYMOUS);
                List<CompletableFuture<AnalysisResult>> results = new ArrayList<>();
                for (int i = 0; i < analyses; i++) {
                    CompletableFuture<AnalysisResult> done = new CompletableFuture<>();
                    results.add(done);
                    AnalysisRun.start("scale-" + i, spec, source, scheduler, io, event -> {
                        if (event.action().name().equals("MEASUREMENT")) {
                            measurements.incrementAndGet();
                        }
                    }, done::complete);
                }
                for (CompletableFuture<AnalysisResult> result : results) {
                    if (result.get(5, TimeUnit.MINUTES).phase() == AnalysisPhase.SUCCESSFUL) {
                        successful.incrementAndGet();
                    }
                }
            } finally {
                timer.shutdownNow();
                io.shutdownNow();
            }
            return null;
        });
        return new Result(analyses, count, plugin, baseline, successful.get(), measurements.get());
    }

    private interface Work {
        Object run() throws Exception;
    }

    /** Peak live threads above those alive before (Jenkins' Timer aside), and peak heap in use, while it runs. */
    private static Figures sample(Work work) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        Thread.sleep(200);
        int before = countThreads();
        AtomicInteger peakThreads = new AtomicInteger();
        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            peakThreads.accumulateAndGet(countThreads() - before - 1, Math::max);
            peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }, 0, 50, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            sampler.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Figures(peakThreads.get(), peakHeap.get() >> 20, seconds);
    }

    private static int countThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.getName().startsWith(TIMER)).count();
    }

    private static Object asyncLoop(String prometheus, int analyses, int count) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
        try {
            URI uri = URI.create(prometheus + "/api/v1/query");
            String form = "query=" + URLEncoder.encode("vector(1)", StandardCharsets.UTF_8);
            for (int round = 0; round < count; round++) {
                long due = System.nanoTime() + 1_000_000_000L;
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                Semaphore permits = new Semaphore(32);
                for (int i = 0; i < analyses; i++) {
                    permits.acquire();
                    inFlight.add(client.sendAsync(HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> permits.release()));
                }
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
                long left = due - System.nanoTime();
                if (left > 0 && round < count - 1) {
                    Thread.sleep(left / 1_000_000);
                }
            }
        } finally {
            executor.shutdownNow();
        }
        return null;
    }
}
