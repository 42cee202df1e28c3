package io.jenkins.plugins.progressivedelivery.engine.doctor;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing the doctor found.
 *
 * @param check    the check's id ({@code prestop-hook}), as a plan names it in {@code doctor.required}
 * @param object   {@code deployment/shop/checkout}
 * @param field    the field at fault, {@code spec.template.spec.containers[app].lifecycle.preStop}
 * @param problem  what is wrong, in one sentence
 * @param why      what a user would see during a rollout because of it
 * @param fix      a YAML snippet that fixes it, to merge under {@code field}'s parent
 */
public record Finding(String check, Severity severity, String object, String field, String problem, String why,
                      String fix) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Finding withSeverity(Severity value) {
        return new Finding(check, value, object, field, problem, why, fix);
    }

    /** For Groovy and JSON: plain strings only. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("check", check);
        map.put("severity", severity.id());
        map.put("object", object);
        map.put("field", field);
        map.put("problem", problem);
        map.put("why", why);
        map.put("fix", fix);
        return map;
    }
}
