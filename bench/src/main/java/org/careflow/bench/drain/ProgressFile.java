package org.careflow.bench.drain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A few longs shared between a drain app's JVM and the bench's through a memory-mapped file: the app's state, when it
 * reached RUNNING ({@link System#nanoTime()}, the same monotonic clock in both processes on one machine), and how many
 * records it has counted (the count aggregate has no output to read). Reads and writes are volatile, so a poller sees
 * every write without a system call.
 */
public final class ProgressFile {

    /** What the app is doing. */
    public enum State { IDLE, STARTING, RUNNING, STOPPED, FAILED }

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int STATE = 0;
    private static final int RUNNING_NANOS = 8;
    private static final int COUNT = 16;
    private static final int ROUND = 24;
    private static final int SIZE = 32;

    private final MappedByteBuffer buffer;

    private ProgressFile(MappedByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Maps {@code file}, creating it (zeroed: {@link State#IDLE}) if missing. */
    public static ProgressFile map(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new ProgressFile(channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot map the progress file " + file, e);
        }
    }

    /** A new round {@code round} is starting: count 0, not running yet. */
    public void starting(long round) {
        LONGS.setVolatile(buffer, COUNT, 0L);
        LONGS.setVolatile(buffer, RUNNING_NANOS, 0L);
        LONGS.setVolatile(buffer, ROUND, round);
        setState(State.STARTING);
    }

    public void running(long nanos) {
        LONGS.setVolatile(buffer, RUNNING_NANOS, nanos);
        setState(State.RUNNING);
    }

    public void count(long value) {
        LONGS.setRelease(buffer, COUNT, value);
    }

    public void setState(State state) {
        LONGS.setVolatile(buffer, STATE, (long) state.ordinal());
    }

    public State state() {
        return State.values()[(int) (long) LONGS.getVolatile(buffer, STATE)];
    }

    public long round() {
        return (long) LONGS.getVolatile(buffer, ROUND);
    }

    public long runningNanos() {
        return (long) LONGS.getVolatile(buffer, RUNNING_NANOS);
    }

    public long count() {
        return (long) LONGS.getAcquire(buffer, COUNT);
    }
}
