package io.jenkins.plugins.progressivedelivery.engine.metrics;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.PrometheusProvider;
import io.jenkins.plugins.progressivedelivery.engine.analysis.RangeTimes;
import io.jenkins.plugins.progressivedelivery.engine.metrics.job.JobProvider;
import io.jenkins.plugins.progressivedelivery.engine.metrics.web.WebProvider;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.io.Serializable;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Measures a metric with the provider its spec names. Serializable so that Jenkins can ship it to an agent next to
 * the cluster: only the credentials travel; the HTTP client and the providers are built where it runs, lazily,
 * one provider per distinct address, timeout and headers. Thread-safe.
 */
public final class ProviderMeasurementSource implements MeasurementSource, Serializable {
    private static final long serialVersionUID = 1L;

    private final PrometheusAuth auth;
    private final boolean nonBlocking;
    private transient volatile JobProvider jobs;
    private transient volatile WebProvider web;
    private transient volatile HttpClient client;
    private transient volatile ConcurrentMap<ProviderKey, MetricProvider> providers;

    /**
     * @throws IllegalArgumentException when the CA certificate is not valid PEM (checked now, not at the first
     *                                  measurement)
     */
    public ProviderMeasurementSource(PrometheusAuth auth) {
        this(auth, false);
    }

    private ProviderMeasurementSource(PrometheusAuth auth, boolean nonBlocking) {
        this.auth = auth == null ? PrometheusAuth.none() : auth;
        this.nonBlocking = nonBlocking;
        PrometheusProvider.sslContext(this.auth);
    }

    /**
     * A source whose {@link #measureAsync} holds no thread while a query is in flight: the request goes out on the
     * JVM's shared {@link MetricsHttp} pool and the answer completes the future there. What the CLI and the plugin
     * use; {@link #ProviderMeasurementSource(PrometheusAuth)} measures on the caller's I/O executor (a test's direct
     * executor measures inline, in step with its manual clock).
     */
    public static ProviderMeasurementSource nonBlocking(PrometheusAuth auth) {
        return new ProviderMeasurementSource(auth, true);
    }

    /**
     * Lets {@code job} metrics run: they need the cluster connection of the rollout, which does not travel with
     * this object (set it where the measurements run).
     */
    public ProviderMeasurementSource withJobs(JobProvider jobProvider) {
        this.jobs = jobProvider;
        return this;
    }

    @Override
    public MetricValue measure(MetricSpec metric, Instant at) throws MeasurementException {
        MetricProviderSpec spec = metric.provider();
        if (spec != null && spec.web() != null) {
            return web().fetch(spec.web());
        }
        if (spec != null && spec.job() != null) {
            JobProvider jobProvider = jobs;
            if (jobProvider == null) {
                throw new MeasurementException("metric '" + metric.name() + "' runs a Job, but no Kubernetes"
                        + " connection was given for Jobs here");
            }
            return jobProvider.run(metric.name(), spec.job().metadata(), spec.job().spec(), at);
        }
        PrometheusSpec prometheus = spec == null ? null : spec.prometheus();
        if (prometheus == null) {
            throw new MeasurementException("metric '" + metric.name() + "' has no provider; add provider.prometheus");
        }
        if (prometheus.rangeQuery() != null) {
            PrometheusSpec.RangeQuery range = prometheus.rangeQuery();
            MetricProvider provider = provider(prometheus);
            if (!(provider instanceof PrometheusProvider prometheusProvider)) {
                throw new MeasurementException("range queries need the Prometheus provider");
            }
            try {
                return prometheusProvider.queryRange(prometheus.query(), RangeTimes.resolve(range.start(), at),
                        RangeTimes.resolve(range.end(), at), Durations.parse(range.step()));
            } catch (IllegalArgumentException e) {
                throw new MeasurementException("rangeQuery: " + e.getMessage(), e);
            }
        }
        MetricSpec.MinimumTraffic guard = metric.minimumTraffic();
        if (guard != null) {
            long seen = requests(provider(prometheus).query(guard.query(), at));
            if (seen < guard.requests()) {
                return tooLittleTraffic(guard, seen);
            }
        }
        return provider(prometheus).query(prometheus.query(), at);
    }

    /** The request count a traffic guard's query returned: no series is no requests. */
    private static long requests(MetricValue count) {
        if (count.values().isEmpty() || Double.isNaN(count.values().get(0))) {
            return 0;
        }
        return Math.round(count.values().get(0));
    }

    private static MetricValue tooLittleTraffic(MetricSpec.MinimumTraffic guard, long seen) {
        return MetricValue.outcome(AnalysisPhase.INCONCLUSIVE, guard.message(seen));
    }

    @Override
    public CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
        PrometheusSpec prometheus = metric.provider() == null ? null : metric.provider().prometheus();
        if (!nonBlocking || prometheus == null || prometheus.rangeQuery() != null) {
            // web, job and range queries (and no provider, an error) measure on the caller's I/O executor
            return MeasurementSource.super.measureAsync(metric, at, io);
        }
        try {
            MetricProvider provider = provider(prometheus);
            MetricSpec.MinimumTraffic guard = metric.minimumTraffic();
            if (guard == null) {
                return provider.queryAsync(prometheus.query(), at, io);
            }
            return provider.queryAsync(guard.query(), at, io).thenCompose(count -> {
                long seen = requests(count);
                return seen < guard.requests() ? CompletableFuture.completedFuture(tooLittleTraffic(guard, seen))
                        : provider.queryAsync(prometheus.query(), at, io);
            });
        } catch (MeasurementException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private WebProvider web() {
        WebProvider result = web;
        if (result == null) {
            synchronized (this) {
                if (web == null) {
                    web = new WebProvider(client());
                }
                result = web;
            }
        }
        return result;
    }

    /** The provider for a spec's address, timeout and headers, built on first use. */
    public MetricProvider provider(PrometheusSpec spec) throws MeasurementException {
        ProviderKey key = new ProviderKey(spec.address(), spec.effectiveTimeout(), spec.headers());
        MetricProvider existing = providers().get(key);
        if (existing != null) {
            return existing;
        }
        try {
            return providers().computeIfAbsent(key, k -> PrometheusProvider.of(spec, client(), auth));
        } catch (IllegalArgumentException e) {
            throw new MeasurementException(e.getMessage(), e);
        }
    }

    private ConcurrentMap<ProviderKey, MetricProvider> providers() {
        ConcurrentMap<ProviderKey, MetricProvider> map = providers;
        if (map == null) {
            synchronized (this) {
                if (providers == null) {
                    providers = new ConcurrentHashMap<>();
                }
                map = providers;
            }
        }
        return map;
    }

    private HttpClient client() {
        HttpClient result = client;
        if (result == null) {
            synchronized (this) {
                if (client == null) {
                    client = PrometheusProvider.newHttpClient(auth);
                }
                result = client;
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "ProviderMeasurementSource[" + auth + "]";
    }

    private record ProviderKey(String address, Duration timeout, List<PrometheusSpec.Header> headers) {
        ProviderKey {
            Objects.requireNonNull(timeout, "timeout");
        }
    }
}
