package io.stevedore.controller.certificates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * kube-controller-manager's csrsigning for the {@link BuiltInSigners}: an Approved
 * request without a certificate gets one from its signer's CA ({@link SigningCas}) in
 * status.certificate; a request its signer refuses gets a Failed condition (reason
 * {@code SignerValidationFailure}), as Kubernetes marks it, so it is not tried forever.
 * Requests of other signers, and of a built-in signer no CA is configured for, are left
 * as they are.
 */
public final class CsrSigningSync implements Reconciler {

	/** Writes status (certificate or the Failed condition). */
	@FunctionalInterface
	public interface StatusWriter {

		void write(CertificateSigningRequest csr);

	}

	private final Function<String, CertificateSigningRequest> requests;

	private final SigningCas cas;

	private final StatusWriter writer;

	private final Clock clock;

	public CsrSigningSync(Function<String, CertificateSigningRequest> requests, SigningCas cas, StatusWriter writer,
			Clock clock) {
		this.requests = requests;
		this.cas = cas;
		this.writer = writer;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		CertificateSigningRequest csr = this.requests.apply(key);
		if (csr == null || csr.getSpec() == null || BuiltInSigners.forName(csr.getSpec().getSignerName()).isEmpty()
				|| this.cas.forSigner(csr.getSpec().getSignerName()).isEmpty() || !Conditions.has(csr, "Approved")
				|| Conditions.has(csr, "Denied") || Conditions.has(csr, "Failed")
				|| (csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty())) {
			return Result.done();
		}
		// Work on a copy: the informer's object is shared.
		CertificateSigningRequest copy = new CertificateSigningRequestBuilder(csr).build();
		PKCS10CertificationRequest request;
		String problem;
		try {
			request = NodeClientRequest.parse(copy);
			problem = BuiltInSigners.forName(copy.getSpec().getSignerName()).orElseThrow().problem(copy, request);
		}
		catch (IOException | RuntimeException ex) {
			request = null;
			problem = "unreadable request: " + ex.getMessage();
		}
		if (problem != null) {
			copy.getStatus()
				.getConditions()
				.add(new CertificateSigningRequestConditionBuilder().withType("Failed")
					.withStatus("True")
					.withReason("SignerValidationFailure")
					.withMessage(problem)
					.build());
			this.writer.write(copy);
			return Result.done();
		}
		String pem = this.cas.forSigner(copy.getSpec().getSignerName())
			.orElseThrow()
			.sign(request, copy.getSpec().getExpirationSeconds(), copy.getSpec().getUsages(), this.clock.instant());
		copy.getStatus().setCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
		this.writer.write(copy);
		return Result.done();
	}

}
