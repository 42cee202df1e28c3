package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code job(spec: readFile('deploy/smoke-job.yaml'))} or {@code [job: [spec: [template: [...]]]]}: a Kubernetes Job run
 * for each measurement, Successful when it completes, as Argo's {@code provider.job}. A Job spec is not a structure worth
 * mirroring in Describables: it is YAML (or JSON) text, and a Groovy map given instead is kept as its JSON text.
 */
public final class JobQuery extends MetricProvider {
    private final String spec;
    private String metadata;

    @DataBoundConstructor
    public JobQuery(String spec) {
        this.spec = spec;
    }

    public String getSpec() {
        return spec;
    }

    public String getMetadata() {
        return metadata;
    }

    @DataBoundSetter
    public void setMetadata(String metadata) {
        this.metadata = metadata;
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> job = new LinkedHashMap<>();
        Literals.put(job, "metadata", Literals.yaml(metadata, "job: metadata"));
        Literals.put(job, "spec", Literals.yaml(spec, "job: spec"));
        return Map.of("job", job);
    }

    @Extension
    @Symbol("job")
    public static final class DescriptorImpl extends MetricProviderDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Kubernetes Job";
        }

        /** {@code spec: [template: [...]]} and {@code metadata: [labels: [...]]} as Groovy maps, kept as JSON text. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.text(Literals.text(Literals.checked(JobQuery.class, arguments), "spec"), "metadata");
        }
    }
}
