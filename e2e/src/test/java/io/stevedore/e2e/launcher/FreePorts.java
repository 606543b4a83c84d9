package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports nothing listens on, never the same one twice in this JVM: a cluster
 * takes several before any of its processes binds one, so a port the kernel hands out
 * again would otherwise go to two components.
 */
public final class FreePorts {

	private static final Set<Integer> given = new HashSet<>();

	private FreePorts() {
	}

	public static synchronized int next() {
		for (int attempt = 0; attempt < 100; attempt++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				if (given.add(socket.getLocalPort())) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new IllegalStateException("no free loopback port");
	}

}
