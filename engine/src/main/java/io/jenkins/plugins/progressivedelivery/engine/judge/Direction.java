package io.jenkins.plugins.progressivedelivery.engine.judge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which change of a metric is bad: a latency that {@code increase}s, a success rate that {@code decrease}s. */
public enum Direction {
    INCREASE, DECREASE, EITHER;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Direction fromId(String id) {
        for (Direction value : values()) {
            if (value.id().equalsIgnoreCase(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not one of increase, decrease, either");
    }

    boolean flagsHigh() {
        return this != DECREASE;
    }

    boolean flagsLow() {
        return this != INCREASE;
    }
}
