package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.spdy.SpdySession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's ports as port-forward reaches them, whichever way the SPDY bytes travel (inside
 * a WebSocket, {@link PortForwardEndpoint}, or as the upgraded connection itself): the
 * port is dialled on the pod's IP (the Docker bridge is routable from the node), on the
 * node's loopback for a hostNetwork pod. The simulated runtime has no network to dial
 * into: each connection gets an error saying so.
 * <p>
 * Threading: stateless apart from its collaborators; dials on the caller's thread.
 */
public final class PodPorts {

	private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

	/** How often an open tunnel checks that its pod is still on this node. */
	private static final Duration GONE_CHECK = Duration.ofSeconds(1);

	private static final Logger log = LoggerFactory.getLogger(PodPorts.class);

	private final BiFunction<String, String, Pod> pods;

	private final ContainerRuntime runtime;

	private final String nodeName;

	public PodPorts(BiFunction<String, String, Pod> pods, ContainerRuntime runtime, String nodeName) {
		this.pods = pods;
		this.runtime = runtime;
		this.nodeName = nodeName;
	}

	/** The uid of the pod of that name on this node, null when there is none. */
	public String uid(String namespace, String name) {
		Pod pod = this.pods.apply(namespace, name);
		return pod == null ? null : pod.getMetadata().getUid();
	}

	/**
	 * Ends the tunnel ({@code end}) once the pod of this uid has left this node, so
	 * kubectl ends ("lost connection to pod") instead of listening on for a pod that is
	 * no more; stops watching when the tunnel is no longer open. Polls the agent's
	 * informer cache (a map lookup) on a virtual thread because the cache offers no
	 * per-pod callback here; a second is well inside what a user waits for.
	 */
	public void endWhenGone(String namespace, String name, String uid, BooleanSupplier open, Runnable end) {
		if (uid == null) {
			return;
		}
		Thread.ofVirtual().name("portforward-watch-" + name).start(() -> {
			try {
				while (open.getAsBoolean()) {
					Thread.sleep(GONE_CHECK.toMillis());
					if (!uid.equals(uid(namespace, name))) {
						log.debug("port-forward to {}/{} ends: the pod is gone", namespace, name);
						end.run();
						return;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	/** Why the pod cannot be forwarded to (it does not run here), or null when it can. */
	public String refusal(String namespace, String name) {
		try {
			current(namespace, name, null, false);
			return null;
		}
		catch (IOException ex) {
			return ex.getMessage();
		}
	}

	/**
	 * A port-forward session to the pod as it runs now, sending through {@code output}.
	 */
	public SpdyPortForwardSession session(String namespace, String name, SpdySession.Output output) {
		String uid = uid(namespace, name);
		String description = uid == null ? name : name + "_" + namespace + ", uid " + uid;
		return new SpdyPortForwardSession(output, port -> dial(current(namespace, name, uid), port), description);
	}

	/**
	 * The pod as the agent runs it now: looked up at every dial, so a connection opened
	 * after the pod was deleted (or replaced by one of the same name) fails as the
	 * kubelet's does, and kubectl, told on the error stream, ends.
	 */
	private Pod current(String namespace, String name, String uid) throws IOException {
		return current(namespace, name, uid, true);
	}

	private Pod current(String namespace, String name, String uid, boolean sameUid) throws IOException {
		Pod pod = this.pods.apply(namespace, name);
		if (pod == null || (sameUid && (uid == null || !uid.equals(pod.getMetadata().getUid())))) {
			throw new IOException("pod \"" + name + "\" in namespace \"" + namespace + "\" is not running on node \""
					+ this.nodeName + "\"");
		}
		return pod;
	}

	private Socket dial(Pod pod, int port) throws IOException {
		boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
		String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
		if (this.runtime.simulated()) {
			throw new IOException("the simulated container runtime has no network to forward to");
		}
		InetAddress address;
		if (hostNetwork) {
			address = InetAddress.getLoopbackAddress();
		}
		else if (podIp == null || podIp.isEmpty()) {
			throw new IOException("pod has no IP address yet");
		}
		else {
			address = InetAddress.getByName(podIp);
		}
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(address, port), (int) DIAL_TIMEOUT.toMillis());
		}
		catch (IOException ex) {
			socket.close();
			// Go's dialer words it so, and kubectl users know that shape.
			throw new IOException("dial tcp " + address.getHostAddress() + ":" + port + ": connect: "
					+ (ex.getMessage() == null ? ex.toString() : ex.getMessage().toLowerCase(java.util.Locale.ROOT)),
					ex);
		}
		socket.setTcpNoDelay(true);
		return socket;
	}

}
