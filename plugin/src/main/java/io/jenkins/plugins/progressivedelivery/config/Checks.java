package io.jenkins.plugins.progressivedelivery.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import java.net.URI;
import java.net.URISyntaxException;

/** The form checks, as pure functions (the descriptors check permissions, then ask these). */
final class Checks {
    private Checks() {
    }

    static FormValidation name(String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.error("Required: the name steps use to refer to this");
        }
        if (!value.trim().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            return FormValidation.error("Use letters, digits, '.', '_' and '-' only, starting with a letter or digit");
        }
        return FormValidation.ok();
    }

    static FormValidation url(String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.error("Required, e.g. http://prometheus.monitoring:9090");
        }
        try {
            URI uri = new URI(value.trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return FormValidation.error("Not an http(s) URL with a host, e.g. https://prometheus.example.com");
            }
            if (uri.getUserInfo() != null) {
                return FormValidation.error("Do not put credentials in the URL; choose a credential instead");
            }
            return FormValidation.ok();
        } catch (URISyntaxException e) {
            return FormValidation.error("Not a URL: " + e.getMessage());
        }
    }

    static FormValidation duration(String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            Durations.parse(value.trim());
            return FormValidation.ok();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    static FormValidation analysis(String yaml, String name) {
        if (yaml == null || yaml.isBlank()) {
            return FormValidation.error("Required: an AnalysisTemplate, or its spec ({args, metrics}), as YAML");
        }
        return AnalysisTemplate.validate(yaml, name == null || name.isBlank() ? "(unnamed)" : name.trim());
    }
}
