package dev.aha.runtime.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of one sandboxed run: bubblewrap around {@code runner.py} in the system's Python.
 *
 * <p>Why bubblewrap and not firejail: bubblewrap does one thing, builds the namespaces and mounts it is told to
 * from an empty root, and nothing else (no profiles, no global config, no setuid helper needed when run as root or
 * with user namespaces), so everything the sandbox can see is in the argument list below. firejail starts from the
 * host's file system and subtracts through profiles read from /etc, which is harder to audit and changes with the
 * host's configuration; it is also setuid-root, a larger attack surface. Both are Debian packages; bubblewrap is what
 * Flatpak runs untrusted applications in.
 *
 * <p>What the run gets: fresh user, pid, network, IPC, UTS and cgroup namespaces ({@code --unshare-all}; the network
 * namespace has only a down loopback, so neither 127.0.0.1 nor the outside is reachable), no further user namespaces
 * ({@code --disable-userns}), {@code /usr} read-only (and the {@code /bin}, {@code /lib} links or binds beside it;
 * no {@code /etc}, no {@code /home}, no project folder), a private {@code /proc} and minimal {@code /dev}, a fresh
 * size-limited tmpfs at {@code /tmp} as the working folder (gone when the run's mount namespace goes: nothing is
 * written to the host's disks) and nothing else writable (bwrap's root and {@code /dev} remounted read-only), a
 * cleared environment, a new session (no terminal to inject into). When its parent
 * dies, bwrap is killed ({@code --die-with-parent}); when bwrap's init inside the pid namespace exits or is killed,
 * the kernel kills every process left in that namespace, daemonised or {@code setsid} or not: the pid namespace is
 * the run's process group that no process can leave.
 *
 * <p>Root: a JVM running as root (CI, containers) starts bwrap through {@code setpriv} as an unprivileged uid. Inside
 * a user namespace created by root, the sandbox's processes would still be root's on the host; the kernel exempts
 * root's processes from RLIMIT_NPROC (a fork bomb would not stop) and root owns the host's files. Measured here: 50
 * forks under RLIMIT_NPROC 8 all succeeded as root, the 7th failed as uid 65534. cgroups are not available on these
 * machines, so the limits are the runner's rlimits (CPU time, address space, processes, file size) plus the JVM's
 * wall-time and output watchdogs.
 */
public final class SandboxCommand {

    private static final String RUNNER = loadRunner();

    private final SandboxSettings settings;
    private final boolean root;

    public SandboxCommand(SandboxSettings settings) {
        this.settings = settings;
        this.root = jvmIsRoot();
    }

    /** The argument list of one run (its payload goes on stdin). */
    public List<String> argv() {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of(settings.setpriv().toString(), "--reuid", Integer.toString(settings.runAsUid()),
                    "--regid", Integer.toString(settings.runAsGid()), "--clear-groups", "--"));
        }
        cmd.addAll(List.of(settings.bubblewrap().toString(), "--unshare-all", "--unshare-user", "--disable-userns",
                "--die-with-parent", "--new-session", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin",
                "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", "/tmp", "--hostname", "sandbox",
                "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            systemPath(cmd, Path.of(top));
        }
        cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--size", Long.toString(settings.scratchBytes()), "--tmpfs", "/tmp",
                // bwrap's own root and /dev are tmpfs without a size: read-only, or a program could fill memory.
                "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp",
                settings.python().toString(), "-I", "-S", "-B", "-c", RUNNER,
                Long.toString(settings.cpuSeconds()), Long.toString(settings.memoryBytes()),
                Integer.toString(settings.maxProcesses()), Long.toString(settings.scratchBytes())));
        return cmd;
    }

    /** Whether runs drop root through setpriv. */
    public boolean dropsRoot() {
        return root;
    }

    /** Merged-/usr systems have /bin, /lib as links into /usr: the same links inside; otherwise read-only binds. */
    private static void systemPath(List<String> cmd, Path top) {
        try {
            if (Files.isSymbolicLink(top)) {
                cmd.addAll(List.of("--symlink", Files.readSymbolicLink(top).toString(), top.toString()));
            } else if (Files.isDirectory(top)) {
                cmd.addAll(List.of("--ro-bind", top.toString(), top.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + top, e);
        }
    }

    private static boolean jvmIsRoot() {
        try {
            // /proc/self belongs to the process's effective uid.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("code rewards need Linux (cannot read the owner of /proc/self)", e);
        }
    }

    private static String loadRunner() {
        try (InputStream in = SandboxCommand.class.getResourceAsStream("runner.py")) {
            if (in == null) {
                throw new IllegalStateException("runner.py is missing from the classpath beside " + SandboxCommand.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read runner.py", e);
        }
    }
}
