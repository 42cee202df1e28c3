package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.verb.GET;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * A job's Deployments page: every rollout of its last {@value DeploymentHistory#BUILDS} builds (when, target, from
 * and to image, strategy, verdict, duration, who promoted or aborted, rollbacks, a link to the record), filterable by
 * target ({@code ?target=ns/name}; {@code ?builds=N} reads N builds), with each target's rollback rate and lead
 * time, and the same as JSON at
 * {@code .../deployments/api/json}. Transient (see {@link DeploymentsActionFactory}): nothing is stored besides the
 * builds' own records, so a build discarder that deletes a build deletes its rows.
 */
public final class DeploymentsAction implements Action {
    private final Job<?, ?> job;

    public DeploymentsAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /** The rows for {@code target} (all for a blank one) of the last {@code builds} builds, newest first. */
    public List<Deployment> getRows(String target, String builds) {
        return DeploymentHistory.forTarget(DeploymentHistory.of(job, builds(builds)), target);
    }

    public List<String> getTargets() {
        return DeploymentHistory.targets(DeploymentHistory.of(job, DeploymentHistory.BUILDS));
    }

    public List<DeploymentHistory.Trend> getTrends(String target, String builds) {
        return DeploymentHistory.trends(getRows(target, builds), buildStarts(job));
    }

    /** {@code ?builds=N}: how many recent builds to read, 1 to 1000; default {@value DeploymentHistory#BUILDS}. */
    static int builds(String builds) {
        try {
            return builds == null || builds.isBlank() ? DeploymentHistory.BUILDS
                    : Math.max(1, Math.min(1000, Integer.parseInt(builds.trim())));
        } catch (NumberFormatException e) {
            return DeploymentHistory.BUILDS;
        }
    }

    /** The row's duration for the page ({@code running} while it runs). */
    /**
     * What a row without a verdict shows: {@code running}, or while its rollback is not yet safe (retried by the step,
     * or by the rollback keeper after the step ended) the rollback's status, e.g. {@code ROLLING BACK — retrying
     * (attempt 4, API unreachable since 12:00:01Z)}.
     */
    public String statusOf(Deployment row) {
        String url = row.recordUrl();
        String marker = "progressive-delivery-";
        int at = url.lastIndexOf(marker);
        String recordId = at < 0 ? null : url.substring(at + marker.length()).replace("/", "");
        String live = recordId == null ? null
                : io.jenkins.plugins.progressivedelivery.rollback.JenkinsRollbackKeeper.statusOf(row.job(),
                        row.build(), recordId);
        return live == null ? "running" : live;
    }

    public String durationOf(Deployment row) {
        return row.duration() == null ? "running" : format(row.duration());
    }

    public String trendSvg(DeploymentHistory.Trend trend) {
        return TrendChart.render(trend.target(), trend.bars());
    }

    /** {@code .../deployments/api/json[?target=ns/name]}, the rows and the trends. */
    public Api getApi() {
        return new Api(this);
    }

    /** The JSON endpoint; its own small class so that the URL reads as Jenkins' {@code api/json} does. */
    public static final class Api {
        private final DeploymentsAction owner;

        Api(DeploymentsAction owner) {
            this.owner = owner;
        }

        @GET
        public HttpResponse doJson(@QueryParameter String target, @QueryParameter String builds) {
            List<Deployment> rows = owner.getRows(target, builds);
            return json(DeploymentHistory.json(rows, DeploymentHistory.trends(rows, buildStarts(owner.job))));
        }
    }

    static Map<String, Long> buildStarts(Job<?, ?> job) {
        Map<String, Long> starts = new HashMap<>();
        int read = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && read < 1000;
                run = run.getPreviousBuild()) {
            read++;
            starts.put(job.getFullName() + "#" + run.getNumber(), run.getStartTimeInMillis());
        }
        return starts;
    }

    static HttpResponse json(String body) {
        return new HttpResponse() {
            @Override
            public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                    throws IOException, ServletException {
                rsp.setContentType("application/json;charset=UTF-8");
                rsp.setCharacterEncoding(StandardCharsets.UTF_8.name());
                PrintWriter out = rsp.getWriter();
                out.write(body);
                out.flush();
            }
        };
    }

    /** {@code 4m 05s}, {@code 1h 02m}: durations as a release manager reads them. */
    public static String format(Duration duration) {
        if (duration == null) {
            return "";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    @Override
    public String getIconFileName() {
        return "/plugin/progressive-delivery/images/progressive-delivery.svg";
    }

    @Override
    public String getDisplayName() {
        return "Deployments";
    }

    @Override
    public String getUrlName() {
        return "deployments";
    }
}
