package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * One of the two environments of a blue-green deployment. Written in lower case, as the value of the colour label
 * on pods and in Service selectors ({@code slot: blue}).
 */
public enum Colour {
    BLUE, GREEN;

    public Colour other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /** {@code blue} or {@code green}: the label value. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Colour fromId(String id) {
        return parse(id).orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not blue or green"));
    }

    /** The colour a label value names, exactly {@code blue} or {@code green}; empty for anything else. */
    public static Optional<Colour> parse(String labelValue) {
        for (Colour colour : values()) {
            if (colour.id().equals(labelValue)) {
                return Optional.of(colour);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id();
    }
}
