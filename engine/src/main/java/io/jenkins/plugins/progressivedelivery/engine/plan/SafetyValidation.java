package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks the {@code doctor}, {@code hooks} and {@code drainSeconds} of a plan of either strategy. */
final class SafetyValidation {
    private SafetyValidation() {
    }

    static void validate(DoctorSpec doctor, HooksSpec hooks, Integer drainSeconds, List<ValidationError> errors) {
        if (doctor != null) {
            doctor(doctor, errors);
        }
        if (hooks != null) {
            for (HooksSpec.Phase phase : HooksSpec.Phase.values()) {
                List<HooksSpec.Hook> list = hooks.of(phase);
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    hook("hooks." + phase.id() + "[" + i + "]", list.get(i), names, errors);
                }
            }
        }
        if (drainSeconds != null && drainSeconds < 0) {
            errors.add(new ValidationError("drainSeconds", "must not be negative; 0 scales down right after the"
                    + " traffic write, omit it to wait as long as the pods' preStop sleep"));
        }
    }

    private static void doctor(DoctorSpec doctor, List<ValidationError> errors) {
        checkIds("doctor.required", doctor.required(), true, errors);
        checkIds("doctor.skip", doctor.skip(), false, errors);
        for (String id : doctor.required()) {
            if (doctor.skip().contains(id)) {
                errors.add(new ValidationError("doctor.skip", "'" + id + "' is also required; a required check"
                        + " cannot be skipped"));
            }
        }
        positive("doctor.endpointPropagationSeconds", doctor.endpointPropagationSeconds(), true, errors);
        positive("doctor.longestRequestSeconds", doctor.longestRequestSeconds(), true, errors);
        positive("doctor.slowStartSeconds", doctor.slowStartSeconds(), false, errors);
        DoctorSpec.TrafficVolumeSpec traffic = doctor.traffic();
        if (traffic != null) {
            if (traffic.prometheus() == null || blank(traffic.prometheus().address())
                    || blank(traffic.prometheus().query())) {
                errors.add(new ValidationError("doctor.traffic.prometheus", "needs an address and a query that"
                        + " answers the service's requests per second, e.g. sum(rate(http_requests_total"
                        + "{service=\"checkout\"}[5m]))"));
            }
            positive("doctor.traffic.minimumRequests", traffic.minimumRequests(), false, errors);
        }
    }

    private static void checkIds(String path, List<String> ids, boolean allowAll, List<ValidationError> errors) {
        for (String id : ids) {
            if (!DoctorSpec.CHECKS.contains(id) && !(allowAll && "all".equals(id))) {
                errors.add(new ValidationError(path, "'" + id + "' is not a check; the checks are "
                        + String.join(", ", DoctorSpec.CHECKS) + (allowAll ? " (or all)" : "")));
            }
        }
    }

    private static void hook(String path, HooksSpec.Hook hook, Set<String> names, List<ValidationError> errors) {
        if (hook == null) {
            errors.add(new ValidationError(path, "is empty; give a name and one of job, cronJob or webhook"));
            return;
        }
        if (blank(hook.name())) {
            errors.add(new ValidationError(path + ".name", "is required: it names the hook in the log and its"
                    + " Job (<deployment>-<phase>-<name>)"));
        } else if (!hook.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || hook.name().length() > 40) {
            errors.add(new ValidationError(path + ".name", "'" + hook.name() + "' must be a short Kubernetes name"
                    + " (lower-case letters, digits and '-', at most 40 characters): it becomes part of the Job's"
                    + " name"));
        } else if (!names.add(hook.name())) {
            errors.add(new ValidationError(path + ".name", "'" + hook.name() + "' is used twice in this phase"));
        }
        int kinds = (hook.job() != null ? 1 : 0) + (hook.cronJob() != null ? 1 : 0) + (hook.webhook() != null ? 1 : 0);
        if (kinds != 1) {
            errors.add(new ValidationError(path, (kinds == 0 ? "says nothing to run" : "gives more than one thing"
                    + " to run") + "; give exactly one of job (a Job manifest or its spec), cronJob (the name of a"
                    + " CronJob whose jobTemplate to run) or webhook (a URL to POST to)"));
        }
        if (hook.job() != null) {
            Object spec = hook.job().containsKey("spec") ? hook.job().get("spec") : hook.job();
            if (!(spec instanceof Map<?, ?> map) || !(map.get("template") instanceof Map)) {
                errors.add(new ValidationError(path + ".job", "needs spec.template (a pod template): write a batch/v1"
                        + " Job manifest, or just its spec"));
            }
        }
        if (hook.cronJob() != null && !hook.cronJob().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            errors.add(new ValidationError(path + ".cronJob", "'" + hook.cronJob() + "' is not a valid Kubernetes"
                    + " name"));
        }
        if (hook.webhook() != null) {
            String url = hook.webhook().url();
            URI uri = null;
            try {
                uri = url == null ? null : URI.create(url);
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (uri == null || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                errors.add(new ValidationError(path + ".webhook.url", "'" + url + "' is not an http(s) URL"));
            }
            if (hook.webhook().timeout() != null && (hook.webhook().timeout().isNegative() || hook.webhook().timeout().isZero())) {
                errors.add(new ValidationError(path + ".webhook.timeout", "must be positive, e.g. 30s"));
            }
        }
        if (hook.deadline() != null && (hook.deadline().isNegative() || hook.deadline().isZero())) {
            errors.add(new ValidationError(path + ".deadline", "must be positive, e.g. 10m"));
        }
    }

    private static void positive(String path, Integer value, boolean zeroAllowed, List<ValidationError> errors) {
        if (value != null && (value < 0 || (!zeroAllowed && value == 0))) {
            errors.add(new ValidationError(path, "must be " + (zeroAllowed ? "0 or more" : "positive")));
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
