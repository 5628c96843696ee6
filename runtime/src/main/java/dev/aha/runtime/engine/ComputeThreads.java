package dev.aha.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-thread engine state that DJL's PyTorch engine keeps thread-local. Autograd recording is ON by default on
 * every thread but the one that loaded the engine, so an inference thread that skips {@link #prepare} silently
 * builds autograd graphs; and the intra-op thread count set at start-up reaches only the starting thread.
 */
public final class ComputeThreads {

    /** The engine whose thread-local state this class sets; loading it first binds the native library. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(ComputeThreads.class);
    private static volatile BlasPath blas;

    private ComputeThreads() {}

    /**
     * Loads the engine (the native library) once, and then logs the one line that says which path libtorch's BLAS
     * took (a run on MKL's generic path is several times slower in its matmuls); later calls are free.
     */
    public static Engine engine() {
        Engine engine = Engine.getEngine(ENGINE);
        if (blas == null) {
            reportBlas();
        }
        return engine;
    }

    /** Which path libtorch's BLAS takes in this process: what {@link #engine()} logged. */
    public static BlasPath blasPath() {
        engine();
        return blas;
    }

    private static synchronized void reportBlas() {
        if (blas == null) {
            BlasPath path = BlasPath.detect();
            path.log(LOG);
            blas = path;
        }
    }

    /**
     * Call first on every thread that runs DJL compute.
     *
     * @param intraOpThreads libtorch threads this thread's ops may use (the launcher sets OMP_NUM_THREADS=1)
     */
    public static void prepare(int intraOpThreads) {
        if (intraOpThreads <= 0) {
            throw new IllegalArgumentException("intraOpThreads must be positive, was " + intraOpThreads);
        }
        engine();
        JniUtils.setGradMode(false);
        JniUtils.setNumThreads(intraOpThreads);
    }

    /**
     * Turns autograd recording off on this thread. A gradient collector restores the mode it found when it
     * closes, which is "on" on most threads: in-place weight updates after it must call this first.
     */
    public static void stopRecording() {
        engine();
        JniUtils.setGradMode(false);
    }
}
