package io.jenkins.plugins.progressivedelivery.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Milliseconds of one contender. */
final class Stats {
    private final String name;
    private final List<Double> millis = new ArrayList<>();

    Stats(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void add(long nanos) {
        millis.add(nanos / 1e6);
    }

    double median() {
        return percentile(50);
    }

    double percentile(int p) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.round((p / 100.0) * (sorted.size() - 1));
        return sorted.get(index);
    }

    int runs() {
        return millis.size();
    }

    String summary() {
        return String.format("median %.1f ms (p10 %.1f, p90 %.1f, %d runs)", median(), percentile(10),
                percentile(90), runs());
    }
}
