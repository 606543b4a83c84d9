package io.stevedore.nodeagent.serving.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.stevedore.client.websocket.BearerTokenProtocol;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.http.MimeHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's authentication and authorization filter on the agent's API
 * (pkg/kubelet/server/server.go, InstallAuthFilter), in its words: no credential, or one
 * that does not authenticate (a malformed or unknown token), or a token that could not be
 * reviewed: 401 {@code Unauthorized}; a caller the authorization denies: 403
 * {@code Forbidden (user=…, verb=…, resource=nodes, subresource=…)}; an authorization
 * that could not be had: 500 {@code Authorization error (…)}, closed rather than open.
 * <p>
 * The kubelet writes all three as plain text. The 401 here is the apiserver's
 * {@code Status} instead ({@code kind: Status}, {@code status: Failure},
 * {@code reason: Unauthorized}, {@code code: 401}), as the gateway answers a token it
 * does not accept: clients decode it as any other API error, where the text was a body
 * they could not. The 403 and 500 keep the kubelet's text, which names the user and the
 * verb. The Actuator endpoints stay open (the kubelet serves its health on a separate,
 * unauthenticated port).
 * <p>
 * A Tomcat valve rather than a servlet filter: WebSocket upgrades ({@code /exec},
 * {@code /attach}, {@code /portForward}) are taken by Tomcat's own WebSocket filter, in
 * no fixed order relative to the application's filters; a valve runs before any of them.
 */
public final class KubeletAuthValve extends ValveBase {

	private static final Logger log = LoggerFactory.getLogger(KubeletAuthValve.class);

	/** Byte for byte as kube-apiserver writes it; a constant, as it names no one. */
	private static final byte[] UNAUTHORIZED = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			+ "\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n")
		.getBytes(StandardCharsets.UTF_8);

	private static final BearerTokenProtocol.Offer NO_OFFER = new BearerTokenProtocol.Offer(null, List.of(), false,
			null);

	private final KubeletAuthenticator authenticator;

	private final AccessReviews access;

	private final String node;

	public KubeletAuthValve(KubeletAuthenticator authenticator, AccessReviews access, String node) {
		super(true);
		this.authenticator = authenticator;
		this.access = access;
		this.node = node;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		String path = request.getDecodedRequestURI() == null ? "" : request.getDecodedRequestURI();
		if (path.equals("/actuator") || path.startsWith("/actuator/")) {
			getNext().invoke(request, response);
			return;
		}
		X509Certificate[] chain = request.getAttribute(Globals.CERTIFICATES_ATTR) instanceof X509Certificate[] c ? c
				: null;
		BearerTokenProtocol.Offer offer = takeTokenProtocol(request);
		Optional<KubeletUser> user;
		try {
			user = this.authenticator.authenticate(chain, request.getHeader("Authorization"), offer.token());
		}
		catch (ReviewException ex) {
			log.warn("Unable to authenticate the request due to an error: {}", ex.getMessage());
			user = Optional.empty();
		}
		if (user.isEmpty()) {
			if (offer.error() != null) {
				log.warn("Unable to authenticate the request due to an error: {}", offer.error());
			}
			unauthorized(response);
			return;
		}
		RequestAttributes attributes = RequestAttributes.of(user.get(), request.getMethod(), path, this.node);
		boolean allowed;
		try {
			allowed = this.access.allowed(attributes);
		}
		catch (ReviewException ex) {
			log.warn("Authorization error ({}): {}", attributes.describe(), ex.getMessage());
			answer(response, 500, "Authorization error (" + attributes.describe() + ")");
			return;
		}
		if (!allowed) {
			log.debug("Forbidden ({}) path={}", attributes.describe(), path);
			answer(response, 403, "Forbidden (" + attributes.describe() + ")");
			return;
		}
		getNext().invoke(request, response);
	}

	/**
	 * The bearer token a WebSocket upgrade carries as a subprotocol, taken out of the
	 * request's {@code Sec-WebSocket-Protocol} whatever comes of it: Tomcat's WebSocket
	 * handshake, the exec and attach endpoints and anything they log see only the other
	 * protocols, so the token is never negotiated nor echoed back. Any other request's
	 * header is left as it is (the token is read on WebSocket upgrades only).
	 */
	static BearerTokenProtocol.Offer takeTokenProtocol(Request request) {
		if (!BearerTokenProtocol.isWebSocketUpgrade(Collections.list(request.getHeaders("Connection")),
				request.getHeader("Upgrade"))) {
			return NO_OFFER;
		}
		BearerTokenProtocol.Offer offer = BearerTokenProtocol
			.parse(Collections.list(request.getHeaders(BearerTokenProtocol.HEADER)));
		if (offer.carried()) {
			MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
			headers.removeHeader(BearerTokenProtocol.HEADER);
			if (offer.header() != null) {
				headers.addValue(BearerTokenProtocol.HEADER).setString(offer.header());
			}
		}
		return offer;
	}

	/** The apiserver's answer to a request it cannot authenticate. */
	static void unauthorized(HttpServletResponse response) throws IOException {
		response.setStatus(401);
		response.setContentType("application/json");
		response.setContentLength(UNAUTHORIZED.length);
		response.getOutputStream().write(UNAUTHORIZED);
	}

	private static void answer(Response response, int status, String message) throws IOException {
		byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("text/plain;charset=utf-8");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
