package io.stevedore.controller.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

/** The condition checks both csr controllers make. */
final class Conditions {

	private Conditions() {
	}

	static boolean has(CertificateSigningRequest csr, String type) {
		return csr.getStatus() != null && csr.getStatus().getConditions() != null
				&& csr.getStatus()
					.getConditions()
					.stream()
					.anyMatch(c -> type.equals(c.getType()) && !"False".equals(c.getStatus()));
	}

	/** Approved or denied: a human or the approver already spoke. */
	static boolean decided(CertificateSigningRequest csr) {
		return has(csr, "Approved") || has(csr, "Denied");
	}

}
