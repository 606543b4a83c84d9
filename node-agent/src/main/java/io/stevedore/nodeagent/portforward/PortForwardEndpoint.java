package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's {@code /portForward/{namespace}/{pod}} over a WebSocket with subprotocol
 * {@code SPDY/3.1+portforward.k8s.io} (KEP 4006, kubectl's PortForwardWebsockets): the
 * binary messages carry a SPDY/3.1 byte stream, served by {@link SpdyPortForwardSession}.
 * In Kubernetes the apiserver unwraps this tunnel and speaks plain SPDY to the kubelet;
 * here the apiserver passes the upgraded connection through and the agent speaks it
 * itself.
 * <p>
 * The pod's port is dialled on the pod's IP (the Docker bridge is routable from the
 * node), on the node's loopback for a hostNetwork pod. The simulated runtime has no
 * network to dial into: each connection gets an error saying so.
 * <p>
 * Threading: one instance per connection; Tomcat calls the handlers, sends are serialised
 * by the session.
 */
public final class PortForwardEndpoint extends Endpoint {

	/** The WebSocket subprotocol of port-forward, the only one served here. */
	public static final String PROTOCOL = "SPDY/3.1+portforward.k8s.io";

	private static final Logger log = LoggerFactory.getLogger(PortForwardEndpoint.class);

	private static final int MAX_MESSAGE = 1024 * 1024;

	private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

	/** How often an open tunnel checks that its pod is still on this node. */
	private static final Duration GONE_CHECK = Duration.ofSeconds(1);

	private final BiFunction<String, String, Pod> pods;

	private final ContainerRuntime runtime;

	private final String nodeName;

	private volatile SpdyPortForwardSession spdy;

	public PortForwardEndpoint(BiFunction<String, String, Pod> pods, ContainerRuntime runtime, String nodeName) {
		this.pods = pods;
		this.runtime = runtime;
		this.nodeName = nodeName;
	}

	@Override
	public void onOpen(Session session, EndpointConfig config) {
		session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
		session.setMaxIdleTimeout(0);
		Map<String, String> path = session.getPathParameters();
		String namespace = path.get("namespace");
		String name = path.get("pod");
		Pod pod = this.pods.apply(namespace, name);
		String uid = pod == null ? null : pod.getMetadata().getUid();
		String description = pod == null ? name : name + "_" + namespace + ", uid " + uid;
		SpdyPortForwardSession.Dialer dialer = port -> dial(current(namespace, name, uid), port);
		Object sendLock = new Object();
		this.spdy = new SpdyPortForwardSession(bytes -> {
			synchronized (sendLock) {
				session.getBasicRemote().sendBinary(bytes);
			}
		}, dialer, description);
		SpdyPortForwardSession opened = this.spdy;
		if (uid != null) {
			Thread.ofVirtual()
				.name("portforward-watch-" + name)
				.start(() -> endWhenGone(session, namespace, name, uid));
		}
		session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) message -> {
			try {
				opened.received(message);
			}
			catch (IOException ex) {
				log.debug("port-forward client gone: {}", ex.toString());
				opened.close();
			}
		});
	}

	/**
	 * The pod as the agent runs it now: looked up at every dial, so a connection opened
	 * after the pod was deleted (or replaced by one of the same name) fails as the
	 * kubelet's does, and kubectl, told on the error stream, ends.
	 */
	private Pod current(String namespace, String name, String uid) throws IOException {
		Pod pod = this.pods.apply(namespace, name);
		if (pod == null || uid == null || !uid.equals(pod.getMetadata().getUid())) {
			throw new IOException("pod \"" + name + "\" in namespace \"" + namespace + "\" is not running on node \""
					+ this.nodeName + "\"");
		}
		return pod;
	}

	/**
	 * Closes the tunnel once the pod has left this node, so kubectl ends ("lost
	 * connection to pod") instead of listening on for a pod that is no more. Polls the
	 * agent's informer cache (a map lookup) because the cache offers no per-pod callback
	 * here; a second is well inside what a user waits for.
	 */
	private void endWhenGone(Session session, String namespace, String name, String uid) {
		try {
			while (session.isOpen()) {
				Thread.sleep(GONE_CHECK.toMillis());
				Pod pod = this.pods.apply(namespace, name);
				if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
					log.debug("port-forward to {}/{} ends: the pod is gone", namespace, name);
					session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "pod " + name + " is gone"));
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			log.debug("closing port-forward to {}/{}: {}", namespace, name, ex.toString());
		}
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

	@Override
	public void onClose(Session session, CloseReason reason) {
		closeSpdy();
	}

	@Override
	public void onError(Session session, Throwable error) {
		log.debug("port-forward error: {}", error.toString());
		closeSpdy();
	}

	private void closeSpdy() {
		SpdyPortForwardSession opened = this.spdy;
		if (opened != null) {
			opened.close();
		}
	}

}
