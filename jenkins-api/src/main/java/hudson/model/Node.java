package hudson.model;

public abstract class Node extends AbstractModelObject {
    public Node() {
    }
}
