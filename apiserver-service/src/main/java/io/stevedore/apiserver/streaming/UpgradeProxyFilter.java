package io.stevedore.apiserver.streaming;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.apiserver.rest.RestContext;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.storage.StoreUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}: the upgrade
 * request is passed to the pod's node agent and, once the agent switches protocols, the
 * two raw connections are joined byte for byte (kube-apiserver's UpgradeAwareHandler).
 * <p>
 * Why a raw tunnel rather than relaying WebSocket messages with a server endpoint and a
 * client: the apiserver need not understand the stream at all. The same tunnel carries
 * WebSocket in every channel-protocol version, SPDY (kubectl's fallback) and SPDY
 * tunnelled over WebSocket (port-forward), with the subprotocol negotiated end to end by
 * kubectl and the agent; there is no second framing, buffering or message-size limit here
 * to get wrong. Errors found before the upgrade are Kubernetes Status objects.
 * <p>
 * Threading: the request thread checks and connects; after the upgrade two virtual
 * threads copy the bytes (see {@link RawTunnel}).
 */
final class UpgradeProxyFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(UpgradeProxyFilter.class);

	private static final Pattern PATH = Pattern
		.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)/?$");

	/** Request headers the agent needs for the handshake (hop-by-hop ones included). */
	private static final Set<String> FORWARDED = Set.of("upgrade", "sec-websocket-key", "sec-websocket-version",
			"sec-websocket-protocol", "x-stream-protocol-version", "user-agent");

	/** Response headers that belong to this hop only. */
	private static final Set<String> NOT_RETURNED = Set.of("content-length", "transfer-encoding", "date", "server",
			"keep-alive");

	/**
	 * Asks only whether the stream would start (see {@link #check}); the gateway sends it
	 * without an upgrade.
	 */
	static final String CHECK_HEADER = "X-Stevedore-Stream-Check";

	private final RestContext context;

	private final PodStreamLocation locations;

	private final KubeletTransport kubelets;

	UpgradeProxyFilter(RestContext context, KubeletTransport kubelets) {
		this.context = context;
		this.kubelets = kubelets;
		this.locations = new PodStreamLocation(context);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !PATH.matcher(request.getRequestURI()).matches();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Matcher path = PATH.matcher(request.getRequestURI());
		if (!path.matches()) {
			chain.doFilter(request, response);
			return;
		}
		try {
			String method = request.getMethod();
			if (!method.equals("GET") && !method.equals("POST")) {
				throw ApiException.methodNotSupported("", "pods/" + path.group(3), method.toLowerCase(Locale.ROOT));
			}
			// The pod and container first, as kube-apiserver's connect handler: a refused
			// stream is told why even when a proxy on the way dropped the Upgrade header.
			URI location = this.locations.locate(decode(path.group(1)), decode(path.group(2)), path.group(3),
					request.getParameter("container"), request.getQueryString());
			if (request.getHeader(CHECK_HEADER) != null) {
				check(response, location);
				return;
			}
			String upgrade = request.getHeader("Upgrade") == null ? ""
					: request.getHeader("Upgrade").toLowerCase(Locale.ROOT);
			// WebSocket (kubectl's first choice) or SPDY (its fallback); not h2c.
			if (!upgrade.contains("websocket") && !upgrade.contains("spdy")) {
				throw ApiException.badRequest("Upgrade request required");
			}
			proxy(request, response, location);
		}
		catch (ApiException ex) {
			writeStatus(response, ex.status());
		}
		catch (StoreUnavailableException ex) {
			writeStatus(response,
					ApiException.serviceUnavailable("storage is unavailable: " + ex.getMessage()).status());
		}
	}

	/**
	 * The gateway's question before it accepts a client's WebSocket: would this stream
	 * start? It must ask, because Spring Cloud Gateway completes the client's handshake
	 * before it connects upstream, and a refusal found afterwards could only close the
	 * WebSocket, never answer kubectl with the Status it prints.
	 */
	private void check(HttpServletResponse response, URI location) throws IOException {
		// With TLS the handshake too: an agent certificate the apiserver refuses is
		// told before the client's upgrade.
		try {
			this.kubelets.dial(location.getHost(), location.getPort(), 5000).close();
		}
		catch (IOException ex) {
			throw ApiException.internal("error dialing backend: " + ex.getMessage());
		}
		Status success = new Status();
		success.setStatus("Success");
		success.setCode(200);
		writeStatus(response, success);
	}

	private void proxy(HttpServletRequest request, HttpServletResponse response, URI location)
			throws IOException, ServletException {
		Socket agent;
		try {
			agent = this.kubelets.dial(location.getHost(), location.getPort(), 5000);
		}
		catch (IOException ex) {
			log.debug("node agent at {} not reachable: {}", location.getAuthority(), ex.toString());
			throw ApiException.internal("error dialing backend: " + ex.getMessage());
		}
		try {
			OutputStream toAgent = agent.getOutputStream();
			toAgent.write(requestHead(request, location).getBytes(StandardCharsets.ISO_8859_1));
			toAgent.flush();
			InputStream fromAgent = new BufferedInputStream(agent.getInputStream(), 16 * 1024);
			List<String> head = readHead(fromAgent);
			int status = Integer.parseInt(head.get(0).split(" ", 3)[1]);
			if (status != 101) {
				String body = new String(fromAgent.readNBytes(bodyLength(head)), StandardCharsets.UTF_8).strip();
				agent.close();
				throw ApiException.of(status >= 400 && status < 600 ? status : 500, "",
						"unable to upgrade connection: " + (body.isEmpty() ? head.get(0) : body));
			}
			for (String line : head.subList(1, head.size())) {
				int colon = line.indexOf(':');
				String name = colon < 0 ? "" : line.substring(0, colon).trim();
				if (!name.isEmpty() && !NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
					response.addHeader(name, line.substring(colon + 1).trim());
				}
			}
			RawTunnel tunnel = request.upgrade(RawTunnel.class);
			tunnel.join(agent, fromAgent, location.getAuthority());
		}
		catch (IOException ex) {
			agent.close();
			log.debug("node agent at {} not reachable: {}", location.getAuthority(), ex.toString());
			throw ApiException.internal("error dialing backend: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			agent.close();
			throw ex;
		}
	}

	private static String requestHead(HttpServletRequest request, URI location) {
		StringBuilder head = new StringBuilder("GET ").append(location.getRawPath());
		if (location.getRawQuery() != null) {
			head.append('?').append(location.getRawQuery());
		}
		head.append(" HTTP/1.1\r\nHost: ").append(location.getAuthority()).append("\r\nConnection: Upgrade\r\n");
		for (String name : Collections.list(request.getHeaderNames())) {
			if (FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
				for (String value : Collections.list(request.getHeaders(name))) {
					head.append(name).append(": ").append(value).append("\r\n");
				}
			}
		}
		return head.append("\r\n").toString();
	}

	/**
	 * How much of a refusal's body to read: its Content-Length (the agent keeps the
	 * connection open after it, so reading to the end would wait for the agent's idle
	 * timeout), at most 64 KiB.
	 */
	private static int bodyLength(List<String> head) {
		for (String line : head.subList(1, head.size())) {
			if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
				try {
					return (int) Math.min(64 * 1024, Long.parseLong(line.substring(15).trim()));
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 64 * 1024;
	}

	/** The status line and header lines of the agent's answer; the body stays unread. */
	private static List<String> readHead(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("the node agent closed the connection before answering");
			}
			if (b == '\n') {
				String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
				if (text.isEmpty()) {
					return lines;
				}
				lines.add(text);
				line.reset();
			}
			else {
				line.write(b);
			}
		}
	}

	private static String decode(String segment) {
		return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	private void writeStatus(HttpServletResponse response, Status status) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		status.setApiVersion("v1");
		status.setKind("Status");
		if (status.getMetadata() == null) {
			status.setMetadata(new ListMeta());
		}
		byte[] body = this.context.codec().writeJson(status);
		response.setStatus(status.getCode());
		response.setContentType(MediaTypes.JSON);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
