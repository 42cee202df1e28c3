package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * An Argo Rollouts AnalysisTemplate (or, with {@code clusterScope: true}, a ClusterAnalysisTemplate) read from the
 * cluster: {@code templateRef(templateName: 'success-rate')}, or {@code [templateName: 'success-rate']} in
 * {@code templates: [...]}.
 */
public final class AnalysisTemplateRef extends AbstractDescribableImpl<AnalysisTemplateRef> {
    private final String templateName;
    private Boolean clusterScope;

    @DataBoundConstructor
    public AnalysisTemplateRef(String templateName) {
        this.templateName = templateName == null || templateName.isBlank() ? null : templateName.trim();
    }

    public String getTemplateName() {
        return templateName;
    }

    public Boolean getClusterScope() {
        return clusterScope;
    }

    @DataBoundSetter
    public void setClusterScope(Boolean clusterScope) {
        this.clusterScope = clusterScope;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("templateName", templateName);
        Literals.put(ref, "clusterScope", clusterScope);
        return ref;
    }

    @Extension
    @Symbol("templateRef")
    public static final class DescriptorImpl extends Descriptor<AnalysisTemplateRef> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "AnalysisTemplate in the cluster";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(AnalysisTemplateRef.class, arguments);
        }
    }
}
