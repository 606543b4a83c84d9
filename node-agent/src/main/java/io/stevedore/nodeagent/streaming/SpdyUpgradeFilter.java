package io.stevedore.nodeagent.streaming;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stevedore.nodeagent.pod.ContainerLogs;
import io.stevedore.nodeagent.portforward.PodPorts;
import io.stevedore.nodeagent.portforward.SpdyPortForwardSession;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import io.stevedore.nodeagent.spdy.SpdyConnection;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The kubelet's exec, attach and port-forward over plain SPDY/3.1 ({@code Upgrade:
 * SPDY/3.1}), which kubectl falls back to when a WebSocket is refused and client-go
 * programs and older kubectl speak only: the protocol version is negotiated from the
 * client's {@code X-Stream-Protocol-Version} headers as apimachinery's
 * {@code httpstream.Handshake} does (none: 400; none in common: 403 naming the versions
 * accepted), the request is checked (bad query 400, no such pod or container 404), and
 * then the connection is answered 101 and served by a {@link SpdyExecSession} or the
 * port-forward session. WebSocket upgrades pass on to Tomcat's WebSocket filter.
 * <p>
 * Threading: stateless; the request thread checks and upgrades.
 */
public final class SpdyUpgradeFilter extends OncePerRequestFilter {

	/** The remotecommand versions the kubelet serves over SPDY, best first (no v5). */
	static final List<String> EXEC_PROTOCOLS = List.of(ChannelProtocol.V4, ChannelProtocol.V3, ChannelProtocol.V2,
			ChannelProtocol.V1);

	static final List<String> PORT_FORWARD_PROTOCOLS = List.of("portforward.k8s.io");

	static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

	static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";

	/** The kubelet's default stream creation timeout. */
	static final Duration STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);

	private static final Pattern EXEC = Pattern.compile("^/(exec|attach)/([^/]+)/([^/]+)/([^/]+)$");

	private static final Pattern PORT_FORWARD = Pattern.compile("^/portForward/([^/]+)/([^/]+)$");

	private final ContainerLogs containers;

	private final ContainerRuntime runtime;

	private final PodPorts ports;

	private final Duration streamTimeout;

	public SpdyUpgradeFilter(ContainerLogs containers, ContainerRuntime runtime, PodPorts ports,
			Duration streamTimeout) {
		this.containers = containers;
		this.runtime = runtime;
		this.ports = ports;
		this.streamTimeout = streamTimeout;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String upgrade = request.getHeader("Upgrade");
		return upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("spdy/3.1");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		Matcher exec = EXEC.matcher(path);
		Matcher portForward = PORT_FORWARD.matcher(path);
		if (exec.matches()) {
			String protocol = handshake(request, response, EXEC_PROTOCOLS);
			if (protocol != null) {
				exec(request, response, protocol, exec);
			}
		}
		else if (portForward.matches()) {
			String protocol = handshake(request, response, PORT_FORWARD_PROTOCOLS);
			if (protocol != null) {
				portForward(request, response, protocol, decode(portForward.group(1)), decode(portForward.group(2)));
			}
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private void exec(HttpServletRequest request, HttpServletResponse response, String protocol, Matcher path)
			throws IOException, ServletException {
		boolean isExec = path.group(1).equals("exec");
		String namespace = decode(path.group(2));
		String pod = decode(path.group(3));
		String container = decode(path.group(4));
		StreamRequest streams;
		String id;
		try {
			streams = StreamRequest.parse(request.getParameterMap()
				.entrySet()
				.stream()
				.collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, e -> List.of(e.getValue()))),
					isExec);
			id = this.containers.instance(namespace, pod, container, false);
		}
		catch (IllegalArgumentException ex) {
			error(response, HttpServletResponse.SC_BAD_REQUEST, ex.getMessage());
			return;
		}
		catch (ContainerLogs.LogsException ex) {
			error(response, ex.status(), ex.getMessage());
			return;
		}
		SpdyExecSession.Starter starter = () -> {
			try {
				return isExec ? this.runtime.execStream(id, streams.command(), streams.stdin(), streams.tty())
						: this.runtime.attachStream(id, streams.stdin(), streams.tty());
			}
			catch (RuntimeUnavailableException ex) {
				throw new IOException(ex.getMessage(), ex);
			}
		};
		String name = namespace + "/" + pod + "/" + container;
		upgrade(request, response, protocol).serve((output, hangUp) -> {
			SpdyExecSession session = new SpdyExecSession(output, streams, protocol, starter, hangUp);
			session.start(this.streamTimeout, name);
			return session;
		}, name);
	}

	private void portForward(HttpServletRequest request, HttpServletResponse response, String protocol,
			String namespace, String pod) throws IOException, ServletException {
		// The kubelet's 404 for a pod it does not run, before the upgrade.
		String refusal = this.ports.refusal(namespace, pod);
		if (refusal != null) {
			error(response, HttpServletResponse.SC_NOT_FOUND, refusal);
			return;
		}
		// Ended when the pod goes, as the WebSocket endpoint is: by a GOAWAY, upon which
		// kubectl closes (see SpdySession#goAway).
		String uid = this.ports.uid(namespace, pod);
		upgrade(request, response, protocol).serve((output, hangUp) -> {
			SpdyPortForwardSession session = this.ports.session(namespace, pod, output);
			this.ports.endWhenGone(namespace, pod, uid, () -> !session.isClosed(), session::goAway);
			return session;
		}, namespace + "/" + pod);
	}

	private static SpdyConnection upgrade(HttpServletRequest request, HttpServletResponse response, String protocol)
			throws IOException, ServletException {
		response.setHeader("Connection", "Upgrade");
		response.setHeader("Upgrade", "SPDY/3.1");
		response.setHeader(PROTOCOL_HEADER, protocol);
		return request.upgrade(SpdyConnection.class);
	}

	/**
	 * apimachinery's {@code httpstream.Handshake}: the first of the client's versions the
	 * server speaks; null once the refusal is written.
	 */
	static String handshake(HttpServletRequest request, HttpServletResponse response, List<String> server)
			throws IOException {
		List<String> client = new ArrayList<>();
		for (String value : Collections.list(request.getHeaders(PROTOCOL_HEADER))) {
			for (String version : value.split(",")) {
				if (!version.isBlank()) {
					client.add(version.strip());
				}
			}
		}
		if (client.isEmpty()) {
			error(response, HttpServletResponse.SC_BAD_REQUEST,
					"unable to upgrade: " + PROTOCOL_HEADER + " is required");
			return null;
		}
		for (String version : client) {
			if (server.contains(version)) {
				return version;
			}
		}
		server.forEach(version -> response.addHeader(ACCEPTED_HEADER, version));
		error(response, HttpServletResponse.SC_FORBIDDEN,
				"unable to upgrade: unable to negotiate protocol: client supports " + goList(client)
						+ ", server accepts " + goList(server));
		return null;
	}

	/** A list as Go's %v prints it. */
	private static String goList(List<String> values) {
		return "[" + String.join(" ", values) + "]";
	}

	/** Go's http.Error: the text and a newline. */
	private static void error(HttpServletResponse response, int status, String message) throws IOException {
		byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("text/plain; charset=utf-8");
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	private static String decode(String segment) {
		return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

}
