package org.careflow.platform.embedded;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The entry point of a {@link ChildJvm}: ends this JVM as soon as the parent process is gone, however it went (even
 * {@code kill -9}, which runs no shutdown hook), then calls the app's own {@code main}. Without it an app would outlive a
 * killed parent and retry a vanished broker for ever.
 *
 * <p>Arguments: the parent's process id, the app's main class, then the app's own arguments.
 */
public final class ChildJvmMain {

    /** Exit status when the parent process is gone. */
    public static final int ORPHANED = 3;

    private ChildJvmMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ChildJvmMain PARENT_PID MAIN_CLASS [ARG]...");
        }
        long parentPid = Long.parseLong(args[0]);
        // halt, not exit: a broker may live in the parent's JVM, so a graceful close would only wait for it in vain.
        ProcessHandle.of(parentPid).ifPresentOrElse(
            parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(ORPHANED)),
            () -> Runtime.getRuntime().halt(ORPHANED));
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
