package io.stevedore.gateway.admission.certificates;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import io.stevedore.gateway.authz.RbacAuthorizer;

/**
 * Kubernetes' CertificateSigning: a write of {@code certificatesigningrequests/status}
 * that changes the issued certificate or the conditions (a signer's Failed) also needs
 * {@code sign} on the request's signer, read from the stored request. A status write that
 * changes neither is not a signer's act and is let through.
 */
public final class CertificateSigning implements AdmissionPlugin {

	private final SignerAuthorization signers;

	public CertificateSigning(RbacAuthorizer authorizer) {
		this.signers = new SignerAuthorization(authorizer);
	}

	@Override
	public String name() {
		return "CertificateSigning";
	}

	@Override
	public Set<String> resources() {
		return Set.of(SignerAuthorization.GROUP + "/certificatesigningrequests/status");
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!AdmissionAttributes.UPDATE.equals(attributes.operation()) || !"status".equals(attributes.subresource())) {
			return;
		}
		CertificateSigningRequest old = SignerAuthorization.csr(attributes, attributes.oldObject());
		CertificateSigningRequest csr = SignerAuthorization.csr(attributes, attributes.object());
		if (Objects.equals(certificate(old.getStatus()), certificate(csr.getStatus()))
				&& conditions(old.getStatus()).equals(conditions(csr.getStatus()))) {
			return;
		}
		String signerName = SignerAuthorization.signerName(old);
		if (!this.signers.allowed(attributes.user(), "sign", signerName)) {
			throw AdmissionDenied.forbidden(attributes,
					"user not permitted to sign requests with signerName \"" + signerName + "\"");
		}
	}

	private static String certificate(CertificateSigningRequestStatus status) {
		return status == null || status.getCertificate() == null || status.getCertificate().isEmpty() ? null
				: status.getCertificate();
	}

	private static List<CertificateSigningRequestCondition> conditions(CertificateSigningRequestStatus status) {
		return status == null || status.getConditions() == null ? List.of() : status.getConditions();
	}

}
