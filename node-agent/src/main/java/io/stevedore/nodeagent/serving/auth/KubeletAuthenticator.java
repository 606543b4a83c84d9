package io.stevedore.nodeagent.serving.auth;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The kubelet's authenticators with anonymous access off, in its order: a client
 * certificate of the client CA (the TLS handshake has already refused one the CA did not
 * sign) is its CN with its O groups; otherwise a bearer token is whom a TokenReview says
 * (with {@code authentication-token-webhook}): the {@code Authorization} header's, then
 * the one a WebSocket upgrade carries as a subprotocol ({@code BearerTokenProtocol});
 * otherwise nobody, which the caller answers 401. As Kubernetes' union of authenticators,
 * a header token that authenticates wins and one that does not leaves the subprotocol's
 * to try.
 */
public final class KubeletAuthenticator {

	private final TokenReviews tokens;

	/**
	 * @param tokens the token reviews, null when bearer tokens are not accepted
	 */
	public KubeletAuthenticator(TokenReviews tokens) {
		this.tokens = tokens;
	}

	/**
	 * @param chain the client certificate chain the handshake verified, or null
	 * @param authorization the Authorization header, or null
	 * @return the caller; empty when unauthenticated
	 * @throws ReviewException when a token could not be reviewed (the kubelet answers 401
	 * then too)
	 */
	public Optional<KubeletUser> authenticate(X509Certificate[] chain, String authorization) throws ReviewException {
		return authenticate(chain, authorization, null);
	}

	/**
	 * @param protocolToken the token of a WebSocket upgrade's subprotocol, or null
	 * @see #authenticate(X509Certificate[], String)
	 */
	public Optional<KubeletUser> authenticate(X509Certificate[] chain, String authorization, String protocolToken)
			throws ReviewException {
		if (chain != null && chain.length > 0) {
			return Optional.of(ofCertificate(chain[0]));
		}
		if (this.tokens == null) {
			return Optional.empty();
		}
		String token = bearerToken(authorization);
		ReviewException failure = null;
		if (token != null) {
			try {
				Optional<KubeletUser> user = this.tokens.review(token);
				if (user.isPresent() || protocolToken == null) {
					return user;
				}
			}
			catch (ReviewException ex) {
				if (protocolToken == null) {
					throw ex;
				}
				failure = ex;
			}
		}
		if (protocolToken == null) {
			return Optional.empty();
		}
		Optional<KubeletUser> user = this.tokens.review(protocolToken);
		if (user.isEmpty() && failure != null) {
			throw failure;
		}
		return user;
	}

	static KubeletUser ofCertificate(X509Certificate certificate) {
		X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
		List<String> users = values(subject, BCStyle.CN);
		return KubeletUser.of(users.isEmpty() ? "" : users.get(0), values(subject, BCStyle.O));
	}

	/**
	 * The token of {@code Authorization: Bearer <token>}, as Kubernetes reads it (scheme
	 * of any case, one token); null otherwise.
	 */
	static String bearerToken(String authorization) {
		if (authorization == null) {
			return null;
		}
		String[] parts = authorization.strip().split("\\s+");
		if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer") || parts[1].isEmpty()) {
			return null;
		}
		return parts[1];
	}

	private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
		List<String> values = new ArrayList<>();
		for (RDN rdn : name.getRDNs(type)) {
			values.add(rdn.getFirst().getValue().toString());
		}
		return values;
	}

}
