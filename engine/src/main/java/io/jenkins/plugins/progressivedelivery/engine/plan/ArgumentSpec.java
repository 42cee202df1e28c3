package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.io.Serializable;

/** An analysis argument, referenced as {@code {{args.name}}}; {@code value} is the default, overridable per run. */
public record ArgumentSpec(String name, String value) implements Serializable {
    private static final long serialVersionUID = 1L;
}
