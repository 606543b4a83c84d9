package io.stevedore.nodeagent.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletException;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * The kubelet's x509 authentication on the agent's API: a request whose TLS connection
 * presented no client certificate the client CA signed (the handshake already refused one
 * it did not sign) is answered 401 {@code Unauthorized}, as the kubelet answers an
 * unauthenticated request with anonymous access off. The Actuator endpoints stay open
 * (the kubelet serves its health on a separate, unauthenticated port).
 * <p>
 * A Tomcat valve rather than a servlet filter: WebSocket upgrades ({@code /exec},
 * {@code /attach}, {@code /portForward}) are taken by Tomcat's own WebSocket filter, in
 * no fixed order relative to the application's filters; a valve runs before any of them.
 */
final class ClientCertificateValve extends ValveBase {

	private static final byte[] UNAUTHORIZED = "Unauthorized\n".getBytes(StandardCharsets.US_ASCII);

	ClientCertificateValve() {
		super(true);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		String path = request.getDecodedRequestURI();
		boolean open = path != null && (path.equals("/actuator") || path.startsWith("/actuator/"));
		if (open || request.getAttribute(Globals.CERTIFICATES_ATTR) != null) {
			getNext().invoke(request, response);
			return;
		}
		response.setStatus(401);
		response.setContentType("text/plain;charset=utf-8");
		response.setContentLength(UNAUTHORIZED.length);
		response.getOutputStream().write(UNAUTHORIZED);
	}

}
