package io.stevedore.gateway.admission.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Kubernetes' CertificateSubjectRestriction: a request to the
 * {@code kubernetes.io/kube-apiserver-client} signer may not ask for the
 * {@code system:masters} group (organization), whose members every authorizer lets do
 * anything; an approver could otherwise make a cluster admin with one click.
 */
public final class CertificateSubjectRestriction implements AdmissionPlugin {

	static final String SIGNER = "kubernetes.io/kube-apiserver-client";

	@Override
	public String name() {
		return "CertificateSubjectRestriction";
	}

	@Override
	public Set<String> resources() {
		return Set.of(SignerAuthorization.GROUP + "/certificatesigningrequests");
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!AdmissionAttributes.CREATE.equals(attributes.operation()) || !attributes.subresource().isEmpty()) {
			return;
		}
		CertificateSigningRequest csr = SignerAuthorization.csr(attributes, attributes.object());
		if (csr.getSpec() == null || !SIGNER.equals(csr.getSpec().getSignerName())) {
			return;
		}
		PKCS10CertificationRequest request;
		try {
			request = parse(csr.getSpec().getRequest());
		}
		catch (IOException | RuntimeException ex) {
			throw AdmissionDenied.forbidden(attributes, "failed to parse CSR: " + ex.getMessage());
		}
		for (RDN organization : request.getSubject().getRDNs(BCStyle.O)) {
			if ("system:masters".equals(organization.getFirst().getValue().toString())) {
				throw AdmissionDenied.forbidden(attributes,
						"use of " + SIGNER + " signer with system:masters group is not allowed");
			}
		}
	}

	private static PKCS10CertificationRequest parse(String base64) throws IOException {
		String pem = new String(Base64.getMimeDecoder().decode(base64 == null ? "" : base64),
				StandardCharsets.US_ASCII);
		try (PEMParser parser = new PEMParser(new StringReader(pem))) {
			if (parser.readObject() instanceof PKCS10CertificationRequest request) {
				return request;
			}
			throw new IOException("PEM block type must be CERTIFICATE REQUEST");
		}
	}

}
