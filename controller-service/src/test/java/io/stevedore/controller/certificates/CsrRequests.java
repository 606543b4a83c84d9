package io.stevedore.controller.certificates;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** CertificateSigningRequests through the real apiserver, for the csrsigning ITs. */
final class CsrRequests {

	private final KubernetesClient client;

	CsrRequests(KubernetesClient client) {
		this.client = client;
	}

	/** Creates the request and, when asked, approves it as an admin would. */
	void create(CertificateSigningRequest csr, boolean approve) {
		csr.setStatus(null);
		var requests = this.client.certificates().v1().certificateSigningRequests();
		requests.resource(csr).create();
		if (approve) {
			requests.withName(csr.getMetadata().getName())
				.approve(new CertificateSigningRequestConditionBuilder().withType("Approved")
					.withStatus("True")
					.withReason("Test")
					.build());
		}
	}

	CertificateSigningRequest get(String name) {
		return this.client.certificates().v1().certificateSigningRequests().withName(name).get();
	}

	/** The issued certificate, or null while there is none. */
	X509Certificate certificate(String name) throws CertificateException {
		CertificateSigningRequest csr = get(name);
		if (csr.getStatus() == null || csr.getStatus().getCertificate() == null) {
			return null;
		}
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(
					new ByteArrayInputStream(Base64.getDecoder().decode(csr.getStatus().getCertificate())));
	}

	/** The message of the signer's Failed condition, or null. */
	String failedMessage(String name) {
		CertificateSigningRequest csr = get(name);
		if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
			return null;
		}
		return csr.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> "Failed".equals(c.getType()) && "SignerValidationFailure".equals(c.getReason()))
			.map((c) -> c.getMessage())
			.findFirst()
			.orElse(null);
	}

}
