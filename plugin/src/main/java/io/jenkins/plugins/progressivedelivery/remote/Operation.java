package io.jenkins.plugins.progressivedelivery.remote;

import java.io.Serializable;

/** One blocking call to the cluster or to Prometheus, runnable on the controller or shipped to an agent. */
interface Operation<R extends Serializable> extends Serializable {
    R run() throws Exception;
}
