package io.jenkins.plugins.progressivedelivery.actions;

import hudson.Extension;
import hudson.model.Job;
import hudson.model.RootAction;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.verb.GET;

/**
 * The dashboard's "Production" link: what runs in production now and which build put it there, one row per target
 * from the newest promoted rollout among the jobs the viewer may read (their last
 * {@value DeploymentHistory#BUILDS} builds each, kept between views by {@link ProductionIndex} so that a view reads
 * only the builds since the last one). JSON at {@code /progressive-delivery/api/json}.
 */
@Extension
public final class ProductionAction implements RootAction {
    public List<Deployment> getRows() {
        List<Job<?, ?>> visible = new ArrayList<>();
        for (Job<?, ?> job : Jenkins.get().getAllItems(Job.class)) { // only those the viewer may read
            visible.add(job);
        }
        return ProductionIndex.INSTANCE.production(visible);
    }

    public Api getApi() {
        return new Api(this);
    }

    public static final class Api {
        private final ProductionAction owner;

        Api(ProductionAction owner) {
            this.owner = owner;
        }

        @GET
        public HttpResponse doJson() {
            return DeploymentsAction.json(DeploymentHistory.productionJson(owner.getRows()));
        }
    }

    @Override
    public String getIconFileName() {
        return "/plugin/progressive-delivery/images/progressive-delivery.svg";
    }

    @Override
    public String getDisplayName() {
        return "Production";
    }

    @Override
    public String getUrlName() {
        return "progressive-delivery";
    }
}
