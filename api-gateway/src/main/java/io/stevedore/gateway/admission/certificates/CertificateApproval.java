package io.stevedore.gateway.admission.certificates;

import java.util.Set;

import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import io.stevedore.gateway.authz.RbacAuthorizer;

/**
 * Kubernetes' CertificateApproval: approving or denying a CertificateSigningRequest (a
 * write of {@code certificatesigningrequests/approval}, which RBAC has already let
 * through as {@code update}) also needs {@code approve} on the request's signer. The
 * signer is read from the stored request, so a write cannot name another signer to pass.
 */
public final class CertificateApproval implements AdmissionPlugin {

	private final SignerAuthorization signers;

	public CertificateApproval(RbacAuthorizer authorizer) {
		this.signers = new SignerAuthorization(authorizer);
	}

	@Override
	public String name() {
		return "CertificateApproval";
	}

	@Override
	public Set<String> resources() {
		return Set.of(SignerAuthorization.GROUP + "/certificatesigningrequests/approval");
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!AdmissionAttributes.UPDATE.equals(attributes.operation())
				|| !"approval".equals(attributes.subresource())) {
			return;
		}
		String signerName = SignerAuthorization.signerName(SignerAuthorization.csr(attributes, attributes.oldObject()));
		if (!this.signers.allowed(attributes.user(), "approve", signerName)) {
			throw AdmissionDenied.forbidden(attributes,
					"user not permitted to approve requests with signerName \"" + signerName + "\"");
		}
	}

}
