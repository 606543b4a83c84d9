package io.stevedore.controller.certificates;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.client.controller.Result;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serving approver's writes: the approval, the event saying why a request stays
 * pending, and when it looks again.
 */
class KubeletServingApprovingSyncTest {

	private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

	private static final List<String> USAGES = List.of("digital signature", "key encipherment", "server auth");

	private final Map<String, CertificateSigningRequest> requests = new HashMap<>();

	private final Map<String, Node> nodes = new HashMap<>();

	private final List<String> approvals = new ArrayList<>();

	private final List<String> events = new ArrayList<>();

	private final KubeletServingApprovingSync sync = new KubeletServingApprovingSync(this.requests::get,
			this.nodes::get,
			(csr, reason, message) -> this.approvals.add(csr.getMetadata().getName() + ": " + reason + ": " + message),
			(object, type, reason, message) -> this.events
				.add(object.getMetadata().getName() + " " + type + " " + reason + ": " + message),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void theNodesOwnRequestIsApprovedWithoutAnEvent() {
		this.nodes.put("n1", KubeletServingApprovalTest.node("n1", new NodeAddress("10.0.0.7", "InternalIP")));
		add("a", Duration.ZERO);

		Result result = this.sync.reconcile("a");

		assertThat(this.approvals).containsExactly(
				"a: AutoApproved: Auto approving kubelet serving certificate: the node's own request for its addresses.");
		assertThat(this.events).isEmpty();
		assertThat(result.requeue()).isFalse();
	}

	@Test
	void aRequestAheadOfItsNodeStaysPendingWithAnEventAndIsLookedAtAgain() {
		add("b", Duration.ofSeconds(3));

		Result result = this.sync.reconcile("b");

		assertThat(this.approvals).isEmpty();
		assertThat(this.events).containsExactly(
				"b Warning ServingCertificateNotApproved: Not approved automatically: node n1 does not exist");
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(5));

		this.nodes.put("n1", KubeletServingApprovalTest.node("n1", new NodeAddress("10.0.0.7", "InternalIP")));
		this.sync.reconcile("b");
		assertThat(this.approvals).hasSize(1);
	}

	@Test
	void anOldRequestWaitingOnItsNodeIsNoLongerRequeued() {
		add("c", Duration.ofMinutes(6));

		assertThat(this.sync.reconcile("c").requeue()).isFalse();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void aRefusalNoNodeCanChangeIsNotRequeued() {
		this.nodes.put("n1", KubeletServingApprovalTest.node("n1", new NodeAddress("10.0.0.7", "InternalIP")));
		CertificateSigningRequest csr = add("d", Duration.ZERO);
		csr.getSpec().setUsername("system:node:n2");

		assertThat(this.sync.reconcile("d").requeue()).isFalse();
		assertThat(this.approvals).isEmpty();
		assertThat(this.events).containsExactly("d Warning ServingCertificateNotApproved: Not approved automatically: "
				+ "requested by system:node:n2, not by the node system:node:n1 itself");
	}

	@Test
	void decidedAndClientRequestsAreLeftAlone() {
		this.nodes.put("n1", KubeletServingApprovalTest.node("n1", new NodeAddress("10.0.0.7", "InternalIP")));
		CertificateSigningRequest denied = add("e", Duration.ZERO);
		denied.getStatus()
			.setConditions(List
				.of(new CertificateSigningRequestConditionBuilder().withType("Denied").withStatus("True").build()));
		add("f", Duration.ZERO).getSpec().setSignerName(NodeClientRequest.SIGNER);

		this.sync.reconcile("e");
		this.sync.reconcile("f");

		assertThat(this.approvals).isEmpty();
		assertThat(this.events).isEmpty();
	}

	private CertificateSigningRequest add(String name, Duration age) {
		CertificateSigningRequest csr = KubeletServingApprovalTest.csr("system:node:n1", TestKeys.rsa(), USAGES,
				TestPki.ip("10.0.0.7"));
		csr.getMetadata().setName(name);
		csr.getMetadata().setCreationTimestamp(NOW.minus(age).toString());
		this.requests.put(name, csr);
		return csr;
	}

}
