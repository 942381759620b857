package org.careflow.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds free TCP ports on the loopback interface, for servers that must be told their port before they start.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Returns {@code count} distinct ports that were free on 127.0.0.1 a moment ago.
     * All sockets are held open together so the ports differ from each other; another process
     * may still take one before the caller binds it, a window the caller accepts.
     */
    public static int[] reserve(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                // Lets the server we start next bind the port even while this socket sits in TIME_WAIT.
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find " + count + " free port(s) on the loopback interface", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a never-used listening socket cannot lose anything.
                }
            }
        }
    }

    /**
     * Returns the requested ports with every 0 replaced by a free port; the free ones are reserved together
     * so that they differ from each other.
     */
    static int[] resolve(int... requested) {
        int zeros = (int) Arrays.stream(requested).filter(p -> p == 0).count();
        int[] free = zeros == 0 ? new int[0] : reserve(zeros);
        int[] resolved = requested.clone();
        for (int i = 0, next = 0; i < resolved.length; i++) {
            if (resolved[i] == 0) {
                resolved[i] = free[next++];
            }
        }
        return resolved;
    }

    static int checkPort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be between 0 (pick a free port) and 65535, was " + port);
        }
        return port;
    }
}
