package io.jenkins.plugins.progressivedelivery.actions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Job;
import hudson.model.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deploy history of a job (or of all jobs), read from the records its builds keep: pure functions over
 * {@link Deployment} rows, so that the pages, their JSON and the tests agree.
 */
public final class DeploymentHistory {
    /** How many builds of a job are read: the pages stay cheap on jobs with long histories. */
    public static final int BUILDS = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Times in order, an unknown one (a record without events) first. */
    static final java.util.Comparator<java.time.Instant> BY_TIME = java.util.Comparator.nullsFirst(
            java.util.Comparator.naturalOrder());

    private DeploymentHistory() {
    }

    /** Every rollout of the last {@code limit} builds of {@code job}, newest build first, in record order. */
    public static List<Deployment> of(Job<?, ?> job, int limit) {
        List<Deployment> rows = new ArrayList<>();
        int read = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && read < limit; run = run.getPreviousBuild()) {
            read++;
            for (DeliveryAction record : run.getActions(DeliveryAction.class)) {
                Deployment row = Deployment.of(run, record);
                if (row != null) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The rows for one target ({@code namespace/deployment}); all of them for a blank target. */
    public static List<Deployment> forTarget(List<Deployment> rows, String target) {
        if (target == null || target.isBlank()) {
            return rows;
        }
        return rows.stream().filter(row -> row.target().equals(target.trim())).toList();
    }

    public static List<String> targets(List<Deployment> rows) {
        return rows.stream().map(Deployment::target).distinct().sorted().toList();
    }

    /**
     * What runs in production now: per target, the newest promoted rollout (rows newest first), across jobs.
     */
    public static List<Deployment> production(Collection<List<Deployment>> histories) {
        Map<String, Deployment> latest = new TreeMap<>();
        for (List<Deployment> rows : histories) {
            for (Deployment row : rows) {
                if (row.promoted()) {
                    latest.merge(row.target(), row, (a, b) -> BY_TIME.compare(a.finished(), b.finished()) > 0 ? a
                            : b);
                }
            }
        }
        return List.copyOf(latest.values());
    }

    /**
     * Per target: of the finished rollouts, how many ended without the new version (rolled back, aborted, failed),
     * and the lead time of the promoted ones: from the build's start to the promotion's end.
     *
     * @param bars each finished rollout, oldest first: its lead time if promoted, else null (what the chart draws)
     */
    public record Trend(String target, int finished, int rolledBack, Duration medianLeadTime,
                        List<Duration> bars) {
        public double rollbackRate() {
            return finished == 0 ? 0 : (double) rolledBack / finished;
        }

        public String getRollbackPercent() {
            return finished == 0 ? "—" : Math.round(rollbackRate() * 100) + "%";
        }

        public String getMedianLeadTimeText() {
            return medianLeadTime == null ? "—" : DeploymentsAction.format(medianLeadTime);
        }
    }

    /** @param buildStarts the start of each row's build, by job and build number ({@code job#12}) */
    public static List<Trend> trends(List<Deployment> rows, Map<String, Long> buildStarts) {
        Map<String, List<Deployment>> byTarget = new TreeMap<>();
        for (Deployment row : rows) {
            byTarget.computeIfAbsent(row.target(), t -> new ArrayList<>()).add(row);
        }
        List<Trend> trends = new ArrayList<>();
        byTarget.forEach((target, own) -> {
            List<Deployment> oldestFirst = new ArrayList<>(own);
            java.util.Collections.reverse(oldestFirst);
            int finished = 0;
            int rolledBack = 0;
            List<Duration> leadTimes = new ArrayList<>();
            List<Duration> bars = new ArrayList<>();
            for (Deployment row : oldestFirst) {
                if (row.verdict() == null) {
                    continue;
                }
                finished++;
                if (row.rolledBack()) {
                    rolledBack++;
                    bars.add(null);
                } else {
                    Long start = buildStarts.get(row.job() + "#" + row.build());
                    Duration lead = Duration.between(start == null ? row.started()
                            : java.time.Instant.ofEpochMilli(start), row.finished());
                    leadTimes.add(lead);
                    bars.add(lead);
                }
            }
            trends.add(new Trend(target, finished, rolledBack, median(leadTimes),
                    java.util.Collections.unmodifiableList(bars)));
        });
        return trends;
    }

    static Duration median(List<Duration> durations) {
        if (durations.isEmpty()) {
            return null;
        }
        List<Duration> sorted = durations.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle)
                : sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2);
    }

    /** {@code {deployments: [...], trends: [...]}}: what {@code .../deployments/api/json} answers. */
    public static String json(List<Deployment> rows, List<Trend> trends) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deployments", rows.stream().map(Deployment::toMap).toList());
        out.put("trends", trends.stream().map(t -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("target", t.target());
            map.put("finished", t.finished());
            map.put("rolledBack", t.rolledBack());
            map.put("rollbackRate", t.rollbackRate());
            map.put("medianLeadTimeSeconds", t.medianLeadTime() == null ? null : t.medianLeadTime().toSeconds());
            return map;
        }).toList());
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {production: [...]}}: what the Jenkins-wide page's {@code api/json} answers. */
    public static String productionJson(List<Deployment> rows) {
        try {
            return JSON.writeValueAsString(Map.of("production", rows.stream().map(Deployment::toMap).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
