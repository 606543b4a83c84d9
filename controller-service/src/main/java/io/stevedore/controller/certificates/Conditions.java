package io.stevedore.controller.certificates;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

/** The condition checks both csr controllers make. */
final class Conditions {

	private Conditions() {
	}

	static boolean has(CertificateSigningRequest csr, String type) {
		return find(csr, type).isPresent();
	}

	/** The request's condition of that type, unless absent or False. */
	static Optional<CertificateSigningRequestCondition> find(CertificateSigningRequest csr, String type) {
		if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
			return Optional.empty();
		}
		return csr.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> type.equals(c.getType()) && !"False".equals(c.getStatus()))
			.findFirst();
	}

	/** Approved or denied: a human or the approver already spoke. */
	static boolean decided(CertificateSigningRequest csr) {
		return has(csr, "Approved") || has(csr, "Denied");
	}

}
