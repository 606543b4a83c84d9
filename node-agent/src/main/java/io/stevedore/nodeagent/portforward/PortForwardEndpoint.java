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
		SpdyPortForwardSession.Dialer dialer;
		String description;
		if (pod == null) {
			description = name;
			String message = "pod \"" + name + "\" in namespace \"" + namespace + "\" is not running on node \""
					+ this.nodeName + "\"";
			dialer = port -> {
				throw new IOException(message);
			};
		}
		else {
			description = name + "_" + namespace + ", uid " + pod.getMetadata().getUid();
			dialer = dialer(pod);
		}
		Object sendLock = new Object();
		this.spdy = new SpdyPortForwardSession(bytes -> {
			synchronized (sendLock) {
				session.getBasicRemote().sendBinary(bytes);
			}
		}, dialer, description);
		SpdyPortForwardSession opened = this.spdy;
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

	private SpdyPortForwardSession.Dialer dialer(Pod pod) {
		boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
		String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
		return port -> {
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
				throw new IOException(
						"dial tcp " + address.getHostAddress() + ":" + port + ": connect: " + (ex.getMessage() == null
								? ex.toString() : ex.getMessage().toLowerCase(java.util.Locale.ROOT)),
						ex);
			}
			socket.setTcpNoDelay(true);
			return socket;
		};
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
