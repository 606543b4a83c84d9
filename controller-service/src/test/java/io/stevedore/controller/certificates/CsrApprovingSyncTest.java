package io.stevedore.controller.certificates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approver's rules with the access review and the approval write as fakes: which
 * requests are approved, with which message, and which are left pending.
 */
class CsrApprovingSyncTest {

	private static final List<String> USAGES = List.of("digital signature", "key encipherment", "client auth");

	private final Map<String, CertificateSigningRequest> requests = new HashMap<>();

	/** user + "/" + subresource the fake review allows. */
	private final Set<String> allowed = new java.util.HashSet<>();

	private final List<String> reviews = new ArrayList<>();

	private final List<String> approvals = new ArrayList<>();

	private final CsrApprovingSync sync = new CsrApprovingSync(this.requests::get, (csr, sub) -> {
		this.reviews.add(csr.getSpec().getUsername() + "/" + sub);
		return this.allowed.contains(csr.getSpec().getUsername() + "/" + sub);
	}, (csr, reason, message) -> this.approvals.add(csr.getMetadata().getName() + ": " + reason + ": " + message));

	@Test
	void aBootstrapperAllowedNodeclientGetsItsNodeCertificateApproved() {
		add(TestPki.csr("a", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:bootstrap:abcdef", USAGES,
				null));
		this.allowed.add("system:bootstrap:abcdef/nodeclient");

		this.sync.reconcile("a");

		assertThat(this.approvals)
			.containsExactly("a: AutoApproved: Auto approving kubelet client certificate after SubjectAccessReview.");
		assertThat(this.reviews).containsExactly("system:bootstrap:abcdef/nodeclient");
	}

	@Test
	void aNodeRenewingItsOwnCertificateIsApprovedAsSelfnodeclient() {
		add(TestPki.csr("r", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:node:n1", USAGES, null));
		this.allowed.add("system:node:n1/selfnodeclient");

		this.sync.reconcile("r");

		assertThat(this.approvals).containsExactly(
				"r: AutoApproved: Auto approving self kubelet client certificate after SubjectAccessReview.");
	}

	@Test
	void aNodeAskingForAnotherNodesCertificateIsNotSelfAndStaysPending() {
		add(TestPki.csr("o", "O=system:nodes,CN=system:node:n2", TestKeys.ec(), "system:node:n1", USAGES, null));
		this.allowed.add("system:node:n1/selfnodeclient");

		this.sync.reconcile("o");

		assertThat(this.approvals).isEmpty();
		assertThat(this.reviews).containsExactly("system:node:n1/nodeclient");
	}

	@Test
	void aRequesterTheReviewRefusesStaysPending() {
		add(TestPki.csr("d", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "jane", USAGES, null));

		this.sync.reconcile("d");

		assertThat(this.approvals).isEmpty();
	}

	@Test
	void requestsThatAreNotNodeClientRequestsAreNotEvenReviewed() {
		this.allowed.add("system:bootstrap:abcdef/nodeclient");
		add(TestPki.csr("cn", "O=system:nodes,CN=admin", TestKeys.ec(), "system:bootstrap:abcdef", USAGES, null));
		add(TestPki.csr("org", "O=system:masters,CN=system:node:n1", TestKeys.ec(), "system:bootstrap:abcdef", USAGES,
				null));
		add(TestPki.csr("san", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:bootstrap:abcdef", USAGES,
				"n1.example"));
		add(TestPki.csr("usage", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:bootstrap:abcdef",
				List.of("client auth", "server auth"), null));
		CertificateSigningRequest otherSigner = TestPki.csr("signer", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:abcdef", USAGES, null);
		otherSigner.getSpec().setSignerName("example.com/other");
		add(otherSigner);
		CertificateSigningRequest denied = TestPki.csr("denied", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:abcdef", USAGES, null);
		denied.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType("Denied").withStatus("True").build());
		add(denied);

		for (String name : List.of("cn", "org", "san", "usage", "signer", "denied", "missing")) {
			this.sync.reconcile(name);
		}

		assertThat(this.reviews).isEmpty();
		assertThat(this.approvals).isEmpty();
	}

	private void add(CertificateSigningRequest csr) {
		this.requests.put(csr.getMetadata().getName(), csr);
	}

}
