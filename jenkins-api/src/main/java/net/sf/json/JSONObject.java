package net.sf.json;

public final class JSONObject extends AbstractJSON {
    public JSONObject() {
    }
}
