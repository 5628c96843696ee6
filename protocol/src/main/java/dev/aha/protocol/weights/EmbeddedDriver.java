package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.File;
import java.util.UUID;
import org.agrona.IoUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Aeron media driver inside this JVM with its client, in a directory of its own under /dev/shm (deleted on
 * close), SHARED threading with a backoff idle strategy: on a small machine a dedicated conductor, sender and
 * receiver would each take a core from sampling and learning.
 */
public final class EmbeddedDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDriver.class);

    private final File dir;
    private final MediaDriver driver;
    private final Aeron aeron;

    private EmbeddedDriver(File dir, MediaDriver driver, Aeron aeron) {
        this.dir = dir;
        this.driver = driver;
        this.aeron = aeron;
    }

    /** @param name part of the directory name, to tell drivers apart in /dev/shm */
    public static EmbeddedDriver launch(String name, WeightPlaneSettings settings) {
        File shm = new File("/dev/shm");
        File base = shm.isDirectory() && shm.canWrite() ? shm : new File(System.getProperty("java.io.tmpdir"));
        File dir = new File(base, "aha-" + name + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir.getAbsolutePath())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(settings.idleStrategy())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .socketRcvbufLength(settings.socketBuffer())
                .socketSndbufLength(settings.socketBuffer())
                .initialWindowLength(settings.receiverWindow())
                .publicationTermBufferLength(settings.termLength())
                .ipcTermBufferLength(settings.termLength())
                .mtuLength(settings.mtu())
                .ipcMtuLength(settings.mtu())
                .warnIfDirectoryExists(false);
        MediaDriver driver = MediaDriver.launch(ctx);
        try {
            // the client's own errors (its conductor, handlers that throw) reach the log, not only stderr
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.getAbsolutePath())
                    .errorHandler(e -> LOG.error("Aeron client error in {}", dir, e)));
            return new EmbeddedDriver(dir, driver, aeron);
        } catch (RuntimeException e) {
            driver.close();
            IoUtil.delete(dir, true);
            throw e;
        }
    }

    public Aeron aeron() {
        return aeron;
    }

    public File directory() {
        return dir;
    }

    @Override
    public void close() {
        try {
            aeron.close();
        } finally {
            driver.close();
            IoUtil.delete(dir, true);
        }
    }
}
