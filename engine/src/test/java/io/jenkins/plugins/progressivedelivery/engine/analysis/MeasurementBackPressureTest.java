package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Measurements are due at a fixed rate, and one that comes due while the previous is still in flight is skipped and
 * logged, never stacked: on the manual clock, a thousand analyses answered by a bounded pool, one answer held back.
 */
class MeasurementBackPressureTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualScheduler scheduler = new ManualScheduler(T0);

    @Test
    void aThousandAnalysesWithOneSlowAnswerSkipExactlyOneMeasurementAndNeverStack() throws Exception {
        int analyses = 1000;
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - name: up
                    interval: 1s
                    count: 3
                    successCondition: result[0] == 1
                    provider: {prometheus: {address: 'http://127.0.0.1:9', query: 'vector(1)'}}
                """, "analysis.yaml");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peakInFlight = new AtomicInteger();
        Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();
        AtomicInteger stacked = new AtomicInteger();
        CompletableFuture<MetricValue> heldBack = new CompletableFuture<>();
        AtomicInteger slowCalls = new AtomicInteger();
        ConcurrentLinkedQueue<AuditEvent> events = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AnalysisResult> results = new ConcurrentLinkedQueue<>();
        try {
            for (int i = 0; i < analyses; i++) {
                String name = "a" + i;
                AtomicInteger mine = outstanding.computeIfAbsent(name, n -> new AtomicInteger());
                MeasurementSource source = new MeasurementSource() {
                    @Override
                    public MetricValue measure(MetricSpec metric, Instant at) {
                        throw new UnsupportedOperationException("measured asynchronously");
                    }

                    @Override
                    public CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
                        if (mine.incrementAndGet() > 1) {
                            stacked.incrementAndGet();
                        }
                        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        CompletableFuture<MetricValue> answer = name.equals("a7") && slowCalls.getAndIncrement() == 1
                                ? heldBack : CompletableFuture.supplyAsync(() -> MetricValue.vector(List.of(1.0)), io);
                        return answer.whenComplete((value, failure) -> {
                            mine.decrementAndGet();
                            inFlight.decrementAndGet();
                        });
                    }
                };
                AnalysisRun.start(name, spec, source, scheduler, pool, events::add, results::add);
            }

            scheduler.runDue(); // measurement 1 of every analysis
            awaitRound(events, analyses, analyses);
            scheduler.advance(Duration.ofSeconds(1)); // measurement 2; a7's answer does not come
            awaitRound(events, 2 * analyses - 1, analyses);
            assertThat(inFlight).hasValue(1);
            assertThat(skipLines(events)).isEmpty();

            scheduler.advance(Duration.ofSeconds(1)); // measurement 3 is due, a7's 2 is still out: a7 skips its 3
            awaitRound(events, 3 * analyses - 2, 1);
            assertThat(inFlight).hasValue(1);
            assertThat(skipLines(events)).singleElement().satisfies(event -> {
                assertThat(event.resource()).isEqualTo("metric up");
                assertThat(event.details()).containsEntry("analysis", "a7");
                assertThat(event.reason()).isEqualTo("measurement 3 skipped: previous still in flight since "
                        + T0.plusSeconds(1) + "; next due at " + T0.plusSeconds(3));
            });

            heldBack.complete(MetricValue.vector(List.of(1.0))); // a7's 2 answers late
            awaitRound(events, 3 * analyses - 1, 1);
            scheduler.advance(Duration.ofSeconds(1)); // a7 takes its 3 one interval later
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (results.size() < analyses && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }

            assertThat(results).hasSize(analyses)
                    .allSatisfy(result -> assertThat(result.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL));
            assertThat(skipLines(events)).as("one slow answer, one skip line").hasSize(1);
            assertThat(stacked).as("measurements sent while the same analysis had one out").hasValue(0);
            assertThat(peakInFlight.get()).as("queries out at once: at most one per analysis")
                    .isLessThanOrEqualTo(analyses);
            assertThat(pool.getLargestPoolSize()).as("threads of the bounded pool").isLessThanOrEqualTo(4);
            assertThat(measurementsOf(events, "a7")).as("a7 still takes its 3 measurements").isEqualTo(3);
            assertThat(measurementsOf(events, "a8")).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void measurementsAreDueAtAFixedRateNotAfterEachAnswer() {
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - name: latency
                    interval: 10s
                    count: 3
                    successCondition: result[0] < 1
                    provider: {prometheus: {address: 'http://127.0.0.1:9', query: 'vector(0)'}}
                """, "analysis.yaml");
        List<CompletableFuture<MetricValue>> answers = new java.util.ArrayList<>();
        List<Instant> sentAt = new java.util.ArrayList<>();
        MeasurementSource source = new MeasurementSource() {
            @Override
            public MetricValue measure(MetricSpec metric, Instant at) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
                CompletableFuture<MetricValue> answer = new CompletableFuture<>();
                answers.add(answer);
                sentAt.add(scheduler.now());
                return answer;
            }
        };
        List<AnalysisResult> results = new java.util.ArrayList<>();
        List<AuditEvent> events = new java.util.ArrayList<>();
        AnalysisRun.start("fixed-rate", spec, source, scheduler, Runnable::run, events::add, results::add);

        scheduler.runDue();
        scheduler.advance(Duration.ofSeconds(3)); // each query takes 3 s
        answers.get(0).complete(MetricValue.vector(List.of(0.0)));
        scheduler.advance(Duration.ofSeconds(7));
        scheduler.advance(Duration.ofSeconds(3));
        answers.get(1).complete(MetricValue.vector(List.of(0.0)));
        scheduler.advance(Duration.ofSeconds(7));
        answers.get(2).complete(MetricValue.vector(List.of(0.0)));

        assertThat(sentAt).as("due every 10 s from the first, not 10 s after each answer")
                .containsExactly(T0, T0.plusSeconds(10), T0.plusSeconds(20));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL));
        assertThat(skipLines(events)).isEmpty();
    }

    private static List<AuditEvent> skipLines(ConcurrentLinkedQueue<AuditEvent> events) {
        return skipLines(List.copyOf(events));
    }

    private static List<AuditEvent> skipLines(List<AuditEvent> events) {
        return events.stream().filter(e -> e.action() == AuditAction.MEASUREMENT && "skipped".equals(e.after()))
                .collect(Collectors.toList());
    }

    private static long measurementsOf(ConcurrentLinkedQueue<AuditEvent> events, String analysis) {
        return events.stream().filter(e -> e.action() == AuditAction.MEASUREMENT && !"skipped".equals(e.after())
                && analysis.equals(e.details().get("analysis"))).count();
    }

    /** Until the round's answers are assessed and the next measurements (or skips) armed on the clock. */
    private void awaitRound(ConcurrentLinkedQueue<AuditEvent> events, long measurements, int armed)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((events.stream().filter(e -> e.action() == AuditAction.MEASUREMENT && !"skipped".equals(e.after()))
                .count() != measurements || scheduler.pendingCount() != armed) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(scheduler.pendingCount()).as("armed measurements").isEqualTo(armed);
    }
}
