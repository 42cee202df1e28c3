package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackKeeper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rollout of one build, as a row of the Deployments pages: read from the build's record (its title and events),
 * so that it is there for every build whose record is kept, and gone with the build when a build discarder deletes
 * it.
 *
 * @param build       the build's number
 * @param buildUrl    the build's URL relative to Jenkins' root ({@code job/shop/12/})
 * @param recordUrl   the record's URL relative to Jenkins' root
 * @param job         the job's full name
 * @param started     when the rollout started (its first event), else when the build started
 * @param target      {@code namespace/deployment}
 * @param strategy    {@code canary} or {@code blue-green}
 * @param fromImage   the image production ran before, when the record tells (null otherwise)
 * @param toImage     the image rolled out
 * @param verdict     {@code Promoted}, {@code Rolled back}, {@code Aborted}, {@code Failed}; null while running
 * @param finished    when it ended; null while running
 * @param promotedBy  who clicked Promote (people only), in order
 * @param abortedBy   who aborted (people only), in order
 * @param comments    what they wrote when they did
 * @param rollbacks   how many rollback actions were taken
 */
public record Deployment(int build, String buildUrl, String recordUrl, String job, Instant started, String target,
                         String strategy, String fromImage, String toImage, String verdict, Instant finished,
                         List<String> promotedBy, List<String> abortedBy, List<String> comments, int rollbacks) {

    public static final String PROMOTED = "Promoted";

    /** The row for a record on {@code run}; null for a record that is not a rollout (an {@code analysisGate}). */
    public static Deployment of(Run<?, ?> run, DeliveryAction record) {
        String strategy = switch (record.getKind()) {
            case "canaryRollout" -> "canary";
            case "blueGreenSwitch" -> "blue-green";
            default -> null;
        };
        if (strategy == null) {
            return null;
        }
        List<AuditEvent> events = record.getEvents();
        String title = record.getTitle() == null ? "" : record.getTitle();
        int colon = title.indexOf(": ");
        String target = colon < 0 ? title : title.substring(0, colon);
        String toImage = colon < 0 ? null : title.substring(colon + 2);
        Instant started = events.isEmpty() ? Instant.ofEpochMilli(run.getStartTimeInMillis()) : events.get(0).time();
        Instant finished = record.getVerdict() == null ? null : events.stream()
                .filter(e -> e.action() == AuditAction.COMPLETE).map(AuditEvent::time).reduce((a, b) -> b)
                .orElse(events.isEmpty() ? null : events.get(events.size() - 1).time());
        String buildUrl = run.getUrl();
        return new Deployment(run.getNumber(), buildUrl, buildUrl + record.getUrlName() + "/",
                run.getParent().getFullName(), started, target, strategy,
                record.getFromImage() != null ? record.getFromImage() : legacyFromImage(events, target, toImage),
                toImage, record.getVerdict(), finished, people(events, AuditAction.PROMOTE),
                people(events, AuditAction.ABORT), record.getComments(),
                (int) events.stream().filter(e -> e.action() == AuditAction.ROLLBACK)
                        .filter(e -> !RollbackKeeper.ACTOR.equals(e.actor())).count()); // its notes are not actions
    }

    /** How long it ran; null while running. */
    public Duration duration() {
        return finished == null ? null : Duration.between(started, finished);
    }

    public boolean promoted() {
        return PROMOTED.equals(verdict);
    }

    /** Ended without the new version in production: rolled back, aborted or failed. */
    public boolean rolledBack() {
        return verdict != null && !promoted();
    }

    private static List<String> people(List<AuditEvent> events, AuditAction action) {
        return events.stream().filter(e -> e.action() == action && !AuditEvent.ENGINE.equals(e.actor()))
                .map(AuditEvent::actor).distinct().toList();
    }

    private static final Pattern BLUE_GREEN_ACTIVE = Pattern.compile("replicas of (\\S+)\\)");
    private static final Pattern IMAGE = Pattern.compile("image (\\S+)");

    /**
     * What ran before, for a record written before it kept {@link DeliveryAction#getFromImage()}: read back from the
     * text of the events the engine wrote then (the image production ran at a blue-green preflight; the stable
     * Deployment's image before a canary's promotion replaced it). Null when they do not tell (a canary rolled back
     * before promotion).
     */
    static String legacyFromImage(List<AuditEvent> events, String target, String toImage) {
        for (AuditEvent event : events) {
            if (event.action() == AuditAction.PREFLIGHT && event.after() != null) {
                Matcher m = BLUE_GREEN_ACTIVE.matcher(event.after());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        String stable = "deployment/" + target;
        for (AuditEvent event : events) {
            if (event.action() == AuditAction.SCALE && stable.equals(event.resource()) && event.before() != null) {
                Matcher m = IMAGE.matcher(event.before());
                if (m.find() && !m.group(1).equals(toImage)) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** For the JSON: JDK values only, times as ISO-8601, the duration in seconds. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("job", job);
        map.put("build", build);
        map.put("buildUrl", buildUrl);
        map.put("recordUrl", recordUrl);
        map.put("started", started.toString());
        map.put("target", target);
        map.put("strategy", strategy);
        map.put("fromImage", fromImage);
        map.put("toImage", toImage);
        map.put("verdict", verdict);
        map.put("finished", finished == null ? null : finished.toString());
        map.put("durationSeconds", duration() == null ? null : duration().toSeconds());
        map.put("promotedBy", promotedBy);
        map.put("abortedBy", abortedBy);
        map.put("comments", comments);
        map.put("rollbacks", rollbacks);
        return map;
    }
}
