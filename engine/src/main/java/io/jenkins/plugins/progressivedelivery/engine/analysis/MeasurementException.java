package io.jenkins.plugins.progressivedelivery.engine.analysis;

/** A measurement could not be taken: the provider was unreachable, timed out or answered with an error. */
public class MeasurementException extends Exception {
    private static final long serialVersionUID = 1L;

    public MeasurementException(String message) {
        super(message);
    }

    public MeasurementException(String message, Throwable cause) {
        super(message, cause);
    }
}
