package io.jenkins.plugins.progressivedelivery.engine.traffic;

import io.jenkins.plugins.progressivedelivery.engine.kube.ColourPods;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import java.util.List;

/**
 * Sends production traffic to one of two colours, and switches it to the other in one write: the blue-green
 * counterpart of {@link TrafficRouter}. Calls are blocking I/O; failures are
 * {@link io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException}s.
 */
public interface ColourRouter {

    /** A short name for the kind of switch: {@code service selector}, {@code istio host split}. */
    String type();

    /** The type and the objects it uses, for the log: {@code service selector service/pay/payments slot}. */
    String description();

    /**
     * Which colour takes production traffic now, without writing anything. When that cannot be told (the object is
     * missing, selects no colour, splits traffic) the problem, with its fix, is added and null returned; transient
     * failures are thrown.
     */
    Colour activeColour(List<ValidationError> problems);

    /**
     * Where production traffic is now, with who wrote the object last: one read of the object {@link #switchTo}
     * writes, for the check before a colour is scaled down. Transient failures are thrown.
     */
    ProductionTraffic readProduction();

    /** What keeps the objects it switches from sending each colour's traffic to exactly that colour's pods. */
    List<ValidationError> verify(ColourPods pods);

    /**
     * Sends all production traffic to {@code colour} in one write.
     *
     * @return the write, with the state before and after (the change says so when nothing needed writing)
     */
    ClusterChange switchTo(Colour colour);
}
