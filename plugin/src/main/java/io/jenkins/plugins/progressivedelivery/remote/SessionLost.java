package io.jenkins.plugins.progressivedelivery.remote;

/**
 * The answer of a call that came without the plan because the controller had already sent it in this session, when
 * the JVM making the calls no longer has the session (the agent restarted or reconnected, or its client was closed
 * when idle): the controller sends the call again, once, with the plan.
 */
final class SessionLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionLost(String session) {
        super("session " + session + " is not known here (the agent restarted, reconnected or closed its idle"
                + " client); the call needs the plan again");
    }
}
