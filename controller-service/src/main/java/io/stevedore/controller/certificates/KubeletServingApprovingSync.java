package io.stevedore.controller.certificates;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.certificates.KubeletServingApproval.Verdict;
import io.stevedore.controller.workload.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approves a pending {@code kubernetes.io/kubelet-serving} request when
 * {@link KubeletServingApproval} allows it; otherwise leaves it pending for a human and
 * records why as a Warning event on the request ({@code kubectl describe csr}). A request
 * refused only because its Node is not there yet, or does not list the address yet (an
 * agent asks right after it registers), is looked at again every few seconds for its
 * first minutes.
 */
final class KubeletServingApprovingSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(KubeletServingApprovingSync.class);

	static final String SIGNER = "kubernetes.io/kubelet-serving";

	static final String REFUSED = "ServingCertificateNotApproved";

	static final Duration RECHECK = Duration.ofSeconds(5);

	/** How long after its creation a request waiting on its Node is looked at again. */
	static final Duration RECHECK_FOR = Duration.ofMinutes(5);

	private final Function<String, CertificateSigningRequest> requests;

	private final Function<String, Node> nodes;

	private final CsrApprovingSync.Approver approver;

	private final EventRecorder events;

	private final Clock clock;

	KubeletServingApprovingSync(Function<String, CertificateSigningRequest> requests, Function<String, Node> nodes,
			CsrApprovingSync.Approver approver, EventRecorder events, Clock clock) {
		this.requests = requests;
		this.nodes = nodes;
		this.approver = approver;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		CertificateSigningRequest csr = this.requests.apply(key);
		if (csr == null || csr.getSpec() == null || !SIGNER.equals(csr.getSpec().getSignerName())
				|| Conditions.decided(csr) || Conditions.has(csr, "Failed")) {
			return Result.done();
		}
		Verdict verdict = KubeletServingApproval.verdict(csr, this.nodes);
		if (verdict.approved()) {
			this.approver.approve(csr, CsrApprovingSync.REASON,
					"Auto approving kubelet serving certificate: the node's own request for its addresses.");
			return Result.done();
		}
		log.info("csr {}: kubelet serving request left pending: {}", key, verdict.refusal());
		this.events.event(csr, EventRecorder.WARNING, REFUSED, "Not approved automatically: " + verdict.refusal());
		if (verdict.mayChange() && young(csr)) {
			return Result.requeueAfter(RECHECK);
		}
		return Result.done();
	}

	private boolean young(CertificateSigningRequest csr) {
		String created = csr.getMetadata().getCreationTimestamp();
		if (created == null) {
			return false;
		}
		Instant since = OffsetDateTime.parse(created).toInstant();
		return this.clock.instant().isBefore(since.plus(RECHECK_FOR));
	}

}
