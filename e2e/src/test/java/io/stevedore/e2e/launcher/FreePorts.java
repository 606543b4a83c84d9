package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports nothing listens on, never the same one twice in this JVM: a cluster
 * takes several before any of its processes binds one, so a port handed out again would
 * otherwise go to two components.
 * <p>
 * The ports come from below Linux's ephemeral range (32768–60999 by default), never from
 * the kernel's port 0: a port in that range can be taken at any moment as the local end
 * of some outgoing connection (kubectl, an informer, a health check), and a component
 * started a minute later on it fails with "Port … was already in use". `./stevedore` also
 * counts node agents' ports up from the port it is given, so each pick leaves room above
 * it. They stay below the NodePort range (30000–32767) too: a Service's NodePort rule of
 * a cluster running meanwhile would capture connections to 127.0.0.1 on it.
 */
public final class FreePorts {

	private static final int LOW = 20000;

	private static final int HIGH = 29990;

	/**
	 * Ports kept free above each pick for the node agents that `node add` numbers
	 * upwards.
	 */
	private static final int ROOM = 8;

	private static final Set<Integer> given = new HashSet<>();

	private FreePorts() {
	}

	public static synchronized int next() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(LOW, HIGH - ROOM);
			if (clearOfGiven(port) && bindable(port)) {
				given.add(port);
				return port;
			}
		}
		throw new IllegalStateException("no free loopback port in " + LOW + "-" + HIGH);
	}

	private static boolean clearOfGiven(int port) {
		for (int taken : given) {
			if (Math.abs(taken - port) <= ROOM) {
				return false;
			}
		}
		return true;
	}

	private static boolean bindable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
