package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import java.io.Serializable;

/** The doctor's cluster reads, made {@link Where} the step runs (the findings come back; nothing is written). */
public final class RemoteDoctor extends RemoteCluster {
    public RemoteDoctor(Where where, ClusterAccess access) {
        super(where, access);
    }

    public DoctorReport examine(DeliveryPlan plan) {
        return (DoctorReport) call(new Call(plan));
    }

    /**
     * {@link Doctor#examine} of one plan, shipped to where the call is made: the deliveryDoctor step's, and the
     * blue-green switch's preflight (a canary's runs on its session's cluster, which has just read the Deployment).
     */
    record Call(DeliveryPlan plan) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            return Doctor.examine(client, plan);
        }
    }
}
