package jenkins.model;

import java.io.Serializable;

public abstract class CauseOfInterruption implements Serializable {
    private static final long serialVersionUID = 1L;

    public CauseOfInterruption() {
    }

    public abstract String getShortDescription();

    /** Someone clicked the build's stop button. */
    public static final class UserInterruption extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;

        private final String user;

        public UserInterruption(String userId) {
            this.user = userId;
        }

        public String getUserId() {
            return user;
        }

        @Override
        public String getShortDescription() {
            return "Aborted by " + user;
        }
    }
}
