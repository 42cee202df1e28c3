package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The {@code hooks} of a rollout step, the plan's {@code hooks}: Jobs and webhooks run around its phases:
 * {@code [preRollout: [[name: 'migrate', cronJob: 'db-migrate']], onRollback: [[name: 'notify', webhook: [url: '...']]]]}.
 */
public final class Hooks extends AbstractDescribableImpl<Hooks> {
    private List<Hook> preRollout;
    private List<Hook> prePromotion;
    private List<Hook> postPromotion;
    private List<Hook> onRollback;

    @DataBoundConstructor
    public Hooks() {
    }

    public List<Hook> getPreRollout() {
        return preRollout;
    }

    @DataBoundSetter
    public void setPreRollout(List<Hook> preRollout) {
        this.preRollout = Literals.copy(preRollout);
    }

    public List<Hook> getPrePromotion() {
        return prePromotion;
    }

    @DataBoundSetter
    public void setPrePromotion(List<Hook> prePromotion) {
        this.prePromotion = Literals.copy(prePromotion);
    }

    public List<Hook> getPostPromotion() {
        return postPromotion;
    }

    @DataBoundSetter
    public void setPostPromotion(List<Hook> postPromotion) {
        this.postPromotion = Literals.copy(postPromotion);
    }

    public List<Hook> getOnRollback() {
        return onRollback;
    }

    @DataBoundSetter
    public void setOnRollback(List<Hook> onRollback) {
        this.onRollback = Literals.copy(onRollback);
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> hooks = new LinkedHashMap<>();
        Literals.put(hooks, "preRollout", Literals.plans(preRollout, Hook::toPlan));
        Literals.put(hooks, "prePromotion", Literals.plans(prePromotion, Hook::toPlan));
        Literals.put(hooks, "postPromotion", Literals.plans(postPromotion, Hook::toPlan));
        Literals.put(hooks, "onRollback", Literals.plans(onRollback, Hook::toPlan));
        return hooks;
    }

    @Extension
    @Symbol("hooks")
    public static final class DescriptorImpl extends Descriptor<Hooks> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Hooks";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(Hooks.class, arguments);
        }
    }
}
