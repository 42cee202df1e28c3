package hudson.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A working in-memory action list, so that test fakes of {@link Run} behave like the real thing. */
public abstract class Actionable extends AbstractModelObject {
    private final transient List<Action> actionList = new CopyOnWriteArrayList<>();

    public Actionable() {
    }

    public List<Action> getActions() {
        return actionList;
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        List<T> result = new ArrayList<>();
        for (Action a : actionList) {
            if (type.isInstance(a)) {
                result.add(type.cast(a));
            }
        }
        return result;
    }

    public void addAction(Action a) {
        actionList.add(a);
    }

    public boolean addOrReplaceAction(Action a) {
        actionList.removeIf(existing -> existing.getClass() == a.getClass());
        actionList.add(a);
        return true;
    }

    public <T extends Action> T getAction(Class<T> type) {
        for (Action a : actionList) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }
}
