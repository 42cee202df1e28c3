package io.jenkins.plugins.progressivedelivery.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thousand analyses measuring every second in one JVM, on the manual clock, against the real Prometheus: all their
 * queries are due at once, yet the shared metrics pool never grows past its bound, at most its limit of queries is on
 * the wire, and no thread is started per analysis or per query.
 */
class ThousandAnalysesTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    @Test
    void aThousandAnalysesKeepTheMetricsPoolWithinItsBound() throws Exception {
        int analyses = 1000;
        int count = 2;
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - name: up
                    interval: 1s
                    count: %d
                    successCondition: result[0] == 1
                    provider: {prometheus: {address: '%s', query: 'vector(1)', timeout: 30s}}
                """.formatted(count, PROMETHEUS.url()), "analysis.yaml");
        ManualScheduler scheduler = new ManualScheduler(BackfilledPrometheus.T0);
        ProviderMeasurementSource source = ProviderMeasurementSource.nonBlocking(PrometheusAuth.none());
        long anonymousBefore = anonymousThreads();
        long oursBefore = ourThreads(); // other tests' transports may still have idle threads
        AtomicInteger measurements = new AtomicInteger();
        ConcurrentLinkedQueue<AnalysisResult> results = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < analyses; i++) {
            AnalysisRun.start("a" + i, spec, source, scheduler, Runnable::run, event -> {
                if (event.action().name().equals("MEASUREMENT")) {
                    measurements.incrementAndGet();
                }
            }, results::add);
        }
        long peakOurs = 0;
        long peakAnonymous = 0;
        for (int round = 1; round <= count; round++) {
            scheduler.runDue(); // every analysis sends its query now; none waits for the answer
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (measurements.get() < analyses * round && Instant.now().isBefore(deadline)) {
                peakOurs = Math.max(peakOurs, ourThreads());
                peakAnonymous = Math.max(peakAnonymous, anonymousThreads());
                Thread.sleep(5);
            }
            assertThat(measurements).as("measurements after round " + round).hasValue(analyses * round);
            scheduler.advance(Duration.ofSeconds(1));
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (results.size() < analyses && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }

        assertThat(results).hasSize(analyses).allSatisfy(result ->
                assertThat(result.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL));
        MetricsHttp http = MetricsHttp.shared();
        assertThat(http.largestPoolSize()).as("threads of the shared metrics pool")
                .isLessThanOrEqualTo(http.threads());
        assertThat(http.largestInFlight()).as("queries on the wire at once").isLessThanOrEqualTo(http.maxInFlight());
        assertThat(peakOurs - oursBefore).as("threads started: the pool and its deadline timer at most")
                .isLessThanOrEqualTo(http.threads() + 1);
        assertThat(peakAnonymous - anonymousBefore).as("threads started per query (CompletableFuture's fallback)")
                .isLessThanOrEqualTo(2);
    }

    private static long ourThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("progressive-delivery metrics")).count();
    }

    private static long anonymousThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("Thread-")).count();
    }
}
