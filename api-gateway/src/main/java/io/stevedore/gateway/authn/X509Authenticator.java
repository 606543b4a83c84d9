package io.stevedore.gateway.authn;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import io.stevedore.gateway.pki.CertificateAuthority;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;

/**
 * Client certificates signed by the cluster CA: the subject's CN is the user name, each O
 * a group, as kube-apiserver's x509 authenticator reads them.
 */
public final class X509Authenticator implements Authenticator {

	private final CertificateAuthority authority;

	public X509Authenticator(CertificateAuthority authority) {
		this.authority = authority;
	}

	@Override
	public Authentication authenticate(ServerHttpRequest request) {
		SslInfo ssl = request.getSslInfo();
		X509Certificate[] chain = ssl == null ? null : ssl.getPeerCertificates();
		if (chain == null || chain.length == 0) {
			return Authentication.NO_CREDENTIALS;
		}
		return authenticate(chain[0]);
	}

	public Authentication authenticate(X509Certificate certificate) {
		try {
			this.authority.verifyClient(certificate);
		}
		catch (CertificateException ex) {
			return new Authentication.Rejected("x509: " + ex.getMessage());
		}
		X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
		RDN[] commonNames = subject.getRDNs(BCStyle.CN);
		if (commonNames.length == 0) {
			return new Authentication.Rejected("x509: certificate has no common name (user)");
		}
		List<String> groups = new ArrayList<>();
		for (RDN organization : subject.getRDNs(BCStyle.O)) {
			groups.add(IETFUtils.valueToString(organization.getFirst().getValue()));
		}
		String user = IETFUtils.valueToString(commonNames[0].getFirst().getValue());
		return new Authentication.Authenticated(UserInfo.of(user, groups).authenticated());
	}

}
