package io.jenkins.plugins.progressivedelivery.engine.analysis;

import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;

/**
 * Takes one measurement of a metric whose arguments are already substituted: blocking I/O, called on an I/O
 * executor (in Jenkins possibly on an agent). Evaluation of conditions happens elsewhere, once.
 */
@FunctionalInterface
public interface MeasurementSource {

    /**
     * @throws MeasurementException when the provider could not be asked or answered with an error; the
     *                              measurement is then an Error, never a success
     */
    MetricValue measure(MetricSpec metric) throws MeasurementException;
}
