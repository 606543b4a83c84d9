package io.stevedore.nodeagent.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.ServletException;
import org.apache.catalina.Globals;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The kubelet's x509 authentication on the agent's API, and a fixed authorization: a
 * request whose TLS connection presented no client certificate the client CA signed (the
 * handshake already refused one it did not sign) is answered 401 {@code Unauthorized}, as
 * the kubelet answers an unauthenticated request with anonymous access off; one whose
 * certificate's groups (O) include none of the authorized groups is answered 403 in the
 * kubelet's words ({@code Forbidden (user=…, verb=get, resource=nodes,
 * subresource=proxy)}). The kubelet asks the apiserver (SubjectAccessReview) instead; the
 * groups stand for the RBAC that grants {@code nodes/proxy}: by default
 * {@code system:masters}, the apiserver's kubelet client certificate's group, so another
 * node's certificate (same CA, group {@code system:nodes}) cannot exec into this node's
 * pods. The Actuator endpoints stay open (the kubelet serves its health on a separate,
 * unauthenticated port).
 * <p>
 * A Tomcat valve rather than a servlet filter: WebSocket upgrades ({@code /exec},
 * {@code /attach}, {@code /portForward}) are taken by Tomcat's own WebSocket filter, in
 * no fixed order relative to the application's filters; a valve runs before any of them.
 */
final class ClientCertificateValve extends ValveBase {

	private final Set<String> authorizedGroups;

	ClientCertificateValve(Set<String> authorizedGroups) {
		super(true);
		this.authorizedGroups = Set.copyOf(authorizedGroups);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		String path = request.getDecodedRequestURI() == null ? "" : request.getDecodedRequestURI();
		if (path.equals("/actuator") || path.startsWith("/actuator/")) {
			getNext().invoke(request, response);
			return;
		}
		if (!(request.getAttribute(Globals.CERTIFICATES_ATTR) instanceof X509Certificate[] chain)
				|| chain.length == 0) {
			answer(response, 401, "Unauthorized");
			return;
		}
		X500Name subject = X500Name.getInstance(chain[0].getSubjectX500Principal().getEncoded());
		if (values(subject, BCStyle.O).stream().noneMatch(this.authorizedGroups::contains)) {
			List<String> users = values(subject, BCStyle.CN);
			answer(response, 403, "Forbidden (user=" + (users.isEmpty() ? "" : users.get(0)) + ", verb="
					+ verb(request.getMethod()) + ", resource=nodes, subresource=" + subresource(path) + ")");
			return;
		}
		getNext().invoke(request, response);
	}

	/** The kubelet's request attributes: the subresource a path is authorized as. */
	static String subresource(String path) {
		if (path.startsWith("/stats")) {
			return "stats";
		}
		if (path.startsWith("/metrics")) {
			return "metrics";
		}
		if (path.startsWith("/logs")) {
			return "log";
		}
		return "proxy";
	}

	private static String verb(String method) {
		return switch (method.toUpperCase(Locale.ROOT)) {
			case "POST" -> "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			default -> "get";
		};
	}

	private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
		List<String> values = new ArrayList<>();
		for (RDN rdn : name.getRDNs(type)) {
			values.add(rdn.getFirst().getValue().toString());
		}
		return values;
	}

	private static void answer(Response response, int status, String message) throws IOException {
		byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.setContentType("text/plain;charset=utf-8");
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
