package io.stevedore.controller.certificates;

import java.io.IOException;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's csrapproving for node client certificates: a pending request
 * of the kubelet client signer that is a well-formed node client request is approved when
 * its requester may create {@code certificatesigningrequests/selfnodeclient} (a node
 * renewing its own certificate: the requester is the subject) or
 * {@code certificatesigningrequests/nodeclient} (a bootstrap token asking for a first
 * one), as a SubjectAccessReview for the requester answers. Anything else is left pending
 * for a human ({@code kubectl certificate approve}).
 */
public final class CsrApprovingSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(CsrApprovingSync.class);

	/** Whether the requester recorded in the request may create the subresource. */
	@FunctionalInterface
	public interface AccessReviewer {

		boolean allowed(CertificateSigningRequest csr, String subresource);

	}

	/** Writes the Approved condition through the approval subresource. */
	@FunctionalInterface
	public interface Approver {

		void approve(CertificateSigningRequest csr, String reason, String message);

	}

	static final String REASON = "AutoApproved";

	private final Function<String, CertificateSigningRequest> requests;

	private final AccessReviewer reviewer;

	private final Approver approver;

	public CsrApprovingSync(Function<String, CertificateSigningRequest> requests, AccessReviewer reviewer,
			Approver approver) {
		this.requests = requests;
		this.reviewer = reviewer;
		this.approver = approver;
	}

	@Override
	public Result reconcile(String key) {
		CertificateSigningRequest csr = this.requests.apply(key);
		if (csr == null || csr.getSpec() == null || !NodeClientRequest.SIGNER.equals(csr.getSpec().getSignerName())
				|| Conditions.decided(csr) || Conditions.has(csr, "Failed")) {
			return Result.done();
		}
		PKCS10CertificationRequest request;
		try {
			request = NodeClientRequest.parse(csr);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("csr {}: unreadable request, left pending: {}", key, ex.getMessage());
			return Result.done();
		}
		String problem = NodeClientRequest.problem(csr, request);
		if (problem != null) {
			log.debug("csr {}: not a node client request, left pending: {}", key, problem);
			return Result.done();
		}
		String commonName = NodeClientRequest.NODE_PREFIX + NodeClientRequest.nodeName(request);
		if (commonName.equals(csr.getSpec().getUsername()) && this.reviewer.allowed(csr, "selfnodeclient")) {
			this.approver.approve(csr, REASON,
					"Auto approving self kubelet client certificate after SubjectAccessReview.");
			return Result.done();
		}
		if (this.reviewer.allowed(csr, "nodeclient")) {
			this.approver.approve(csr, REASON, "Auto approving kubelet client certificate after SubjectAccessReview.");
			return Result.done();
		}
		log.info("csr {}: recognized as a node client request but {} may not have it approved automatically", key,
				csr.getSpec().getUsername());
		return Result.done();
	}

}
