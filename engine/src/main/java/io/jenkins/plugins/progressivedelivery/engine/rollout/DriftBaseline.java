package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * What the engine last wrote, to tell a change it did not make: the route's weight, the stable Deployment's image
 * and size, and whether the canary runs (at the size the weight gives it).
 *
 * @param canaryWeight   the weight the engine last set
 * @param canaryRunning  the engine has sized the canary for {@code canaryWeight}; false before its first step
 * @param stableImage    what stable runs in the target container (the new image once promoted)
 * @param stableReplicas stable's desired replicas as the engine found them
 * @param stepsDone      how many of the plan's steps are carried out: the route steps among them ({@code setHeaderRoute},
 *                       {@code setMirrorRoute}) are the managed routes the engine left, which a router made after a
 *                       restart, without a memory of its writes, compares the route with
 */
public record DriftBaseline(int canaryWeight, boolean canaryRunning, String stableImage, int stableReplicas,
                            int stepsDone) implements Serializable {
    private static final long serialVersionUID = 2L;
}
