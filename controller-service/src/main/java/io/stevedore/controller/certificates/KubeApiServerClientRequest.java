package io.stevedore.controller.certificates;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The {@code kubernetes.io/kube-apiserver-client} signer's checks, as
 * kube-controller-manager's {@code validAPIServerClientUsages}: usages
 * {@code client auth} with at most {@code digital signature} and {@code key encipherment}
 * besides. The subject is not restricted here (the certificate's CN is the user, its O
 * the groups); what keeps {@code system:masters} out is the gateway's
 * CertificateSubjectRestriction on create, and what keeps anyone else out is that a human
 * approves each request.
 */
final class KubeApiServerClientRequest {

	private static final Set<String> OPTIONAL_USAGES = Set.of("digital signature", "key encipherment");

	private KubeApiServerClientRequest() {
	}

	static String problem(CertificateSigningRequest csr, PKCS10CertificationRequest request) {
		List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
		for (String usage : usages) {
			if (!usage.equals("client auth") && !OPTIONAL_USAGES.contains(usage)) {
				return "invalid usage for client certificate: " + usage;
			}
		}
		if (!usages.contains("client auth")) {
			return "missing required usage for client certificate: client auth";
		}
		return RequestSignature.problem(request);
	}

}
