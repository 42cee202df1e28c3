package hudson;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

/** Local files only (channel null), so tests can hand a workspace to a step. */
public final class FilePath implements SerializableOnlyOverRemoting {
    private static final long serialVersionUID = 1L;

    private final transient VirtualChannel channel;
    private final String remote;

    public FilePath(VirtualChannel channel, String remote) {
        this.channel = channel;
        this.remote = remote;
    }

    public FilePath(File localPath) {
        this((VirtualChannel) null, localPath.getPath());
    }

    public FilePath(FilePath base, String rel) {
        this(base.channel, new File(base.remote, rel).getPath());
    }

    public String getRemote() {
        return remote;
    }

    public <V, E extends Throwable> V act(Callable<V, E> callable) throws IOException, InterruptedException, E {
        return channel == null ? callable.call() : channel.call(callable);
    }

    public String getName() {
        return new File(remote).getName();
    }

    public FilePath child(String relOrAbsolute) {
        return new FilePath(this, relOrAbsolute);
    }

    public boolean exists() throws IOException, InterruptedException {
        return new File(remote).exists();
    }

    public String readToString() throws IOException, InterruptedException {
        return Files.readString(new File(remote).toPath(), StandardCharsets.UTF_8);
    }

    public VirtualChannel getChannel() {
        return channel;
    }

    public boolean isRemote() {
        return channel != null;
    }
}
