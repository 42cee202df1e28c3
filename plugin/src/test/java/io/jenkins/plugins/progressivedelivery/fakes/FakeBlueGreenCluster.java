package io.jenkins.plugins.progressivedelivery.fakes;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Two colours in memory, as the real cluster would leave them: blue in production with 4 replicas of
 * {@code payments:1.0} behind Service {@code pay/payments}, the preview Service {@code pay/payments-preview} on blue
 * too. Every Deployment is ready at once. Counts the writes that moved production traffic.
 */
public final class FakeBlueGreenCluster implements BlueGreenCluster {
    public static final String ACTIVE = "service/pay/payments";
    public static final String PREVIEW = "service/pay/payments-preview";

    private final String newImage;
    private final Map<Colour, Integer> replicas = new EnumMap<>(Map.of(Colour.BLUE, 4, Colour.GREEN, 0));
    private final Map<Colour, String> images = new EnumMap<>(Map.of(Colour.BLUE, "payments:1.0"));
    private Colour production = Colour.BLUE;
    private Colour preview = Colour.BLUE;
    private int productionSwitches;
    private final List<String> calls = new ArrayList<>();

    public FakeBlueGreenCluster(String newImage) {
        this.newImage = newImage;
    }

    @Override
    public synchronized BlueGreenSnapshot preflight() {
        calls.add("preflight");
        return new BlueGreenSnapshot(production, replicas.get(production), images.get(production),
                "service selector " + ACTIVE + " slot");
    }

    @Override
    public synchronized List<ClusterChange> deployColour(Colour colour, int count) {
        calls.add("deployColour " + colour + " " + count);
        String before = describe(colour);
        images.put(colour, newImage);
        replicas.put(colour, count);
        return List.of(new ClusterChange(AuditAction.SCALE, deployment(colour), before, describe(colour), 0, null));
    }

    @Override
    public synchronized Readiness readiness(Colour colour) {
        return new Readiness(true, replicas.get(colour) + "/" + replicas.get(colour) + " ready");
    }

    @Override
    public synchronized List<ClusterChange> pointPreviewAt(Colour colour) {
        calls.add("pointPreviewAt " + colour);
        Colour before = preview;
        preview = colour;
        return List.of(new ClusterChange(AuditAction.ROUTE, PREVIEW, "slot=" + before, "slot=" + colour, 0, null));
    }

    @Override
    public synchronized List<ClusterChange> switchActiveTo(Colour colour) {
        calls.add("switchActiveTo " + colour);
        if (failingSwitches > 0) {
            failingSwitches--;
            throw new io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException("cannot update " + ACTIVE
                    + ": the API server did not answer (ConnectException)", true, null);
        }
        Colour before = production;
        if (before != colour) {
            productionSwitches++;
        }
        production = colour;
        return List.of(new ClusterChange(AuditAction.WEIGHT, ACTIVE, "slot=" + before, "slot=" + colour, 0,
                before == colour ? "already so; nothing written" : null));
    }

    @Override
    public synchronized io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic readProduction() {
        return new io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic(production,
                "slot=" + production, "by progressive-delivery");
    }

    @Override
    public synchronized List<ClusterChange> scaleColour(Colour colour, int count) {
        calls.add("scaleColour " + colour + " " + count);
        String before = describe(colour);
        replicas.put(colour, count);
        return List.of(new ClusterChange(AuditAction.SCALE, deployment(colour), before, describe(colour), 0, null));
    }

    private static String deployment(Colour colour) {
        return "deployment/pay/payments-" + colour;
    }

    private String describe(Colour colour) {
        String image = images.get(colour);
        return image == null ? "absent" : "replicas " + replicas.get(colour) + ", image " + image;
    }

    private int failingSwitches;

    /** The next {@code times} writes of the active Service fail as an unreachable API server would. */
    public synchronized void failSwitches(int times) {
        failingSwitches = times;
    }

    public synchronized Colour production() {
        return production;
    }

    public synchronized Colour preview() {
        return preview;
    }

    public synchronized int replicas(Colour colour) {
        return replicas.get(colour);
    }

    public synchronized String image(Colour colour) {
        return images.get(colour);
    }

    /** How many writes moved production traffic from one colour to the other. */
    public synchronized int productionSwitches() {
        return productionSwitches;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
