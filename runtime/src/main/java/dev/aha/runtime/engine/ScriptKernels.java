package dev.aha.runtime.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Calls into {@code script-kernels.pt}, a TorchScript module bundled with the runtime (written by
 * {@code runtime/src/main/python/script_kernels.py}): operations DJL 0.36 cannot express (anything in bfloat16) or
 * can only express as many passes with a temporary each (an AdamW update). The module is loaded once per JVM and
 * holds no state, so every thread may call it.
 *
 * <p>Arguments are arrays, doubles or longs; an array a method returns is made in the manager given. Methods that
 * update their arguments in place run in libtorch's inference mode.
 */
public final class ScriptKernels {

    private static final String RESOURCE = "script-kernels.pt";

    private ScriptKernels() {}

    /**
     * Runs {@code method} for the array it returns, made in {@code into}, with autograd as the thread has it: the
     * result's gradient flows back to the arguments that require one (and none is recorded when none does).
     *
     * <p>Through DJL's {@code forward} path, which picks the method from an array named {@code module_method:<name>}
     * (not passed as an argument; the result is made in its manager). DJL's other way to run a method does so in
     * libtorch's inference mode, whose results refuse in-place updates and cannot join an autograd graph later.
     */
    public static NDArray array(String method, NDManager into, NDArray... args) {
        NDList inputs = new NDList(args.length + 1);
        NDArray selector = into.create(0f);
        selector.setName("module_method:" + method);
        inputs.add(selector);
        // DJL turns named arrays ("h.0.attn.wqkv") into dictionary arguments: the names are lifted for the call (a
        // Java field, no native work) and put back after. A policy's arrays are used by one thread at a time.
        String[] names = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            names[i] = args[i].getName();
            args[i].setName(null);
            inputs.add(args[i]);
        }
        try {
            return IValueUtils.forward(Module.INSTANCE, inputs, true).singletonOrThrow();
        } finally {
            for (int i = 0; i < args.length; i++) {
                args[i].setName(names[i]);
            }
            selector.close();
        }
    }

    /** Runs {@code method} for the number it returns. */
    public static double number(String method, Object... args) {
        IValue[] in = values(args);
        try (IValue out = IValueUtils.runMethod(Module.INSTANCE, method, in)) {
            return out.isDouble() ? out.toDouble() : out.toLong();
        } finally {
            close(in);
        }
    }

    /** Runs {@code method} for what it does to its arguments in place. */
    public static void run(String method, Object... args) {
        number(method, args);
    }

    private static IValue[] values(Object... args) {
        IValue[] in = new IValue[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                in[i] = value(args[i]);
            }
            return in;
        } catch (RuntimeException e) {
            close(in);
            throw e;
        }
    }

    private static IValue value(Object arg) {
        if (arg instanceof NDArray a) {
            return IValue.from((PtNDArray) a);
        } else if (arg instanceof Double || arg instanceof Float) {
            return IValue.from(((Number) arg).doubleValue());
        } else if (arg instanceof Long || arg instanceof Integer) {
            return IValue.from(((Number) arg).longValue());
        }
        throw new IllegalArgumentException("a script kernel takes arrays and numbers, not " + arg);
    }

    private static void close(IValue[] values) {
        for (IValue v : values) {
            if (v != null) {
                v.close();
            }
        }
    }

    /** Loaded on first use. */
    private static final class Module {
        static final PtSymbolBlock INSTANCE = load();

        private static PtSymbolBlock load() {
            Engine.getEngine("PyTorch");
            NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch"); // lives as long as the JVM
            try (InputStream in = ScriptKernels.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the runtime jar");
                }
                return JniUtils.loadModule((PtNDManager) manager, in, true, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }
}
