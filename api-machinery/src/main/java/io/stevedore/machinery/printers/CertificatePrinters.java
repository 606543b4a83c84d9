package io.stevedore.machinery.printers;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

/** {@code kubectl get csr}: NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION. */
final class CertificatePrinters {

	static final KindPrinter<CertificateSigningRequest> CSR = new KindPrinter<>(CertificateSigningRequest.class,
			List.of(Column.NAME, Column.AGE, Column.string("SignerName", "Name of the signer"),
					Column.string("Requestor", "Name of the requestor"),
					Column.string("RequestedDuration", "Requested duration of the certificate"),
					Column.string("Condition", "State of the signing request")),
			(csr, now) -> Row.of(csr.getMetadata().getName(), Cells.age(csr.getMetadata().getCreationTimestamp(), now),
					csr.getSpec() == null ? "" : Cells.nonNull(csr.getSpec().getSignerName()),
					csr.getSpec() == null ? "" : Cells.nonNull(csr.getSpec().getUsername()), duration(csr),
					condition(csr)));

	private CertificatePrinters() {
	}

	private static String duration(CertificateSigningRequest csr) {
		Integer seconds = csr.getSpec() == null ? null : csr.getSpec().getExpirationSeconds();
		return seconds == null ? Cells.NONE : HumanDuration.format(Duration.ofSeconds(seconds));
	}

	/** As Kubernetes prints it: the decision (or Pending), then Failed and Issued. */
	static String condition(CertificateSigningRequest csr) {
		boolean approved = false;
		boolean denied = false;
		boolean failed = false;
		if (csr.getStatus() != null && csr.getStatus().getConditions() != null) {
			for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
				approved |= "Approved".equals(c.getType());
				denied |= "Denied".equals(c.getType());
				failed |= "Failed".equals(c.getType());
			}
		}
		StringBuilder out = new StringBuilder(denied ? "Denied" : approved ? "Approved" : "Pending");
		if (failed) {
			out.append(",Failed");
		}
		if (csr.getStatus() != null && csr.getStatus().getCertificate() != null
				&& !csr.getStatus().getCertificate().isEmpty()) {
			out.append(",Issued");
		}
		return out.toString();
	}

}
