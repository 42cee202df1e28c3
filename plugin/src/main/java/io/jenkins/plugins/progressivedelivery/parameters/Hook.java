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
 * One hook of a phase: a Kubernetes Job ({@code job}, a Job manifest or its spec as YAML text, or a Groovy map kept
 * as its JSON text), the job template of an existing CronJob ({@code cronJob}) or a webhook; exactly one of the three:
 * {@code hook(name: 'migrate', cronJob: 'db-migrate')}.
 */
public final class Hook extends AbstractDescribableImpl<Hook> {
    private final String name;
    private String job;
    private String cronJob;
    private Webhook webhook;
    private String deadline;

    @DataBoundConstructor
    public Hook(String name) {
        this.name = name == null || name.isBlank() ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public String getJob() {
        return job;
    }

    @DataBoundSetter
    public void setJob(String job) {
        this.job = job;
    }

    public String getCronJob() {
        return cronJob;
    }

    @DataBoundSetter
    public void setCronJob(String cronJob) {
        this.cronJob = cronJob;
    }

    public Webhook getWebhook() {
        return webhook;
    }

    @DataBoundSetter
    public void setWebhook(Webhook webhook) {
        this.webhook = webhook;
    }

    public String getDeadline() {
        return deadline;
    }

    @DataBoundSetter
    public void setDeadline(String deadline) {
        this.deadline = deadline;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("name", name);
        Literals.put(hook, "job", Literals.yaml(job, "hook '" + name + "': job"));
        Literals.put(hook, "cronJob", cronJob);
        Literals.put(hook, "webhook", webhook == null ? null : webhook.toPlan());
        Literals.put(hook, "deadline", deadline);
        return hook;
    }

    @Extension
    @Symbol("hook")
    public static final class DescriptorImpl extends Descriptor<Hook> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Hook";
        }

        /** {@code job: [spec: [template: [...]]]}, a Job manifest as a Groovy map, kept as its JSON text. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.text(Literals.checked(Hook.class, arguments), "job");
        }
    }
}
