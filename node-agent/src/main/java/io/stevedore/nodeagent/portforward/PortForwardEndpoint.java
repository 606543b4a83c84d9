package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

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
 * The pod's port is dialled by {@link PodPorts}; plain SPDY (kubectl's fallback, older
 * clients) comes in through the streaming package's SPDY upgrade instead.
 * <p>
 * Threading: one instance per connection; Tomcat calls the handlers, sends are serialised
 * by the session.
 */
public final class PortForwardEndpoint extends Endpoint {

	/** The WebSocket subprotocol of port-forward, the only one served here. */
	public static final String PROTOCOL = "SPDY/3.1+portforward.k8s.io";

	private static final Logger log = LoggerFactory.getLogger(PortForwardEndpoint.class);

	private static final int MAX_MESSAGE = 1024 * 1024;

	private final PodPorts ports;

	private volatile SpdyPortForwardSession spdy;

	public PortForwardEndpoint(PodPorts ports) {
		this.ports = ports;
	}

	@Override
	public void onOpen(Session session, EndpointConfig config) {
		session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
		session.setMaxIdleTimeout(0);
		Map<String, String> path = session.getPathParameters();
		String namespace = path.get("namespace");
		String name = path.get("pod");
		String uid = this.ports.uid(namespace, name);
		Object sendLock = new Object();
		this.spdy = this.ports.session(namespace, name, bytes -> {
			synchronized (sendLock) {
				session.getBasicRemote().sendBinary(bytes);
			}
		});
		SpdyPortForwardSession opened = this.spdy;
		this.ports.endWhenGone(namespace, name, uid, session::isOpen, () -> {
			try {
				session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "pod " + name + " is gone"));
			}
			catch (IOException ex) {
				log.debug("closing port-forward to {}/{}: {}", namespace, name, ex.toString());
			}
		});
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
