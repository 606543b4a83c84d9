package io.stevedore.controller.certificates;

import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.testsupport.pki.TestKeys;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet-serving approval rule, one sentence per case: which requests are approved,
 * and for each refusal the reason given and whether a later Node may change it.
 */
class KubeletServingApprovalTest {

	private static final List<String> RSA_USAGES = List.of("digital signature", "key encipherment", "server auth");

	private static final List<String> EC_USAGES = List.of("digital signature", "server auth");

	private static final KeyPair RSA = TestKeys.rsa();

	private static final KeyPair EC = TestKeys.ec();

	/** Node n1 at 10.0.0.7 and fd00::7, host name n1.example; n2 at 10.0.0.8. */
	private static final Map<String, Node> NODES = Map.of("n1",
			node("n1", new NodeAddress("10.0.0.7", "InternalIP"), new NodeAddress("fd00::7", "InternalIP"),
					new NodeAddress("n1.example", "Hostname")),
			"n2", node("n2", new NodeAddress("10.0.0.8", "InternalIP")));

	record Case(String sentence, CertificateSigningRequest csr, String refusal, boolean mayChange) {

		@Override
		public String toString() {
			return this.sentence;
		}

	}

	static Stream<Arguments> cases() {
		return Stream.of(
				approved("the node's own RSA request for its IP and host name is approved",
						csr("system:node:n1", RSA, RSA_USAGES, ip("10.0.0.7"), dns("n1.example"))),
				approved("the node's own EC request without key encipherment is approved",
						csr("system:node:n1", EC, EC_USAGES, ip("10.0.0.7"))),
				approved("an IPv6 address written in full still matches the node's",
						csr("system:node:n1", EC, EC_USAGES, ip("fd00:0:0:0:0:0:0:7"))),
				refused("an IP the node does not report is refused until its Node lists it",
						csr("system:node:n1", RSA, RSA_USAGES, ip("10.0.0.7"), ip("10.0.0.99")),
						"subjectAltName 10.0.0.99 is not one of node n1's addresses [10.0.0.7, fd00:0:0:0:0:0:0:7, n1.example]",
						true),
				refused("another node's address is refused", csr("system:node:n1", RSA, RSA_USAGES, ip("10.0.0.8")),
						"subjectAltName 10.0.0.8 is not one of node n1's addresses [10.0.0.7, fd00:0:0:0:0:0:0:7, n1.example]",
						true),
				refused("a DNS name that is not the node's is refused",
						csr("system:node:n1", RSA, RSA_USAGES, dns("kubernetes.default.svc")),
						"subjectAltName kubernetes.default.svc is not one of node n1's addresses [10.0.0.7, fd00:0:0:0:0:0:0:7, n1.example]",
						true),
				refused("a node asking for another node's certificate is refused",
						withRequester(csr("system:node:n2", RSA, RSA_USAGES, ip("10.0.0.8")), "system:node:n1",
								"system:nodes"),
						"requested by system:node:n1, not by the node system:node:n2 itself", false),
				refused("a user who is not the node is refused even with the node's subject",
						withRequester(csr("system:node:n1", RSA, RSA_USAGES, ip("10.0.0.7")), "admin",
								"system:masters"),
						"requested by admin, not by the node system:node:n1 itself", false),
				refused("a requester named like the node but outside system:nodes is refused",
						withRequester(csr("system:node:n1", RSA, RSA_USAGES, ip("10.0.0.7")), "system:node:n1",
								"system:authenticated"),
						"the requester system:node:n1 is not in the group system:nodes", false),
				refused("extra usages such as client auth are refused", csr("system:node:n1", RSA,
						List.of("digital signature", "key encipherment", "server auth", "client auth"), ip("10.0.0.7")),
						"usages did not match [digital signature key encipherment server auth]", false),
				refused("key encipherment for an EC key is not exactly the kubelet's usages",
						csr("system:node:n1", EC, RSA_USAGES, ip("10.0.0.7")),
						"usages [digital signature, key encipherment, server auth] are not exactly [digital signature, server auth] for a non-RSA key",
						false),
				refused("a common name outside system:node: is refused",
						withRequester(
								TestPki.csr("x", KubeletServingApprovingSync.SIGNER, "O=system:nodes,CN=n1", RSA,
										"system:node:n1", RSA_USAGES, ip("10.0.0.7")),
								"system:node:n1", "system:nodes"),
						"subject common name does not begin with system:node:", false),
				refused("an organization other than system:nodes is refused",
						TestPki.csr("x", KubeletServingApprovingSync.SIGNER, "O=system:masters,CN=system:node:n1", RSA,
								"system:node:n1", RSA_USAGES, ip("10.0.0.7")),
						"subject organization is not system:nodes", false),
				refused("a request for a node that does not exist waits for it",
						csr("system:node:n3", RSA, RSA_USAGES, ip("10.0.0.9")), "node n3 does not exist", true));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void approvesOnlyANodesOwnRequestForItsAddresses(Case example) {
		KubeletServingApproval.Verdict verdict = KubeletServingApproval.verdict(example.csr(), NODES::get);

		assertThat(verdict.refusal()).isEqualTo(example.refusal());
		assertThat(verdict.approved()).isEqualTo(example.refusal() == null);
		assertThat(verdict.mayChange()).isEqualTo(example.mayChange());
	}

	private static Arguments approved(String sentence, CertificateSigningRequest csr) {
		return Arguments.of(new Case(sentence, csr, null, false));
	}

	private static Arguments refused(String sentence, CertificateSigningRequest csr, String refusal,
			boolean mayChange) {
		return Arguments.of(new Case(sentence, csr, refusal, mayChange));
	}

	/** A request with subject O=system:nodes,CN=cn, sent by that node. */
	static CertificateSigningRequest csr(String commonName, KeyPair key, List<String> usages, GeneralName... names) {
		return withRequester(TestPki.csr("x", KubeletServingApprovingSync.SIGNER, "O=system:nodes,CN=" + commonName,
				key, commonName, usages, names), commonName, "system:nodes");
	}

	static CertificateSigningRequest withRequester(CertificateSigningRequest csr, String user, String group) {
		csr.getSpec().setUsername(user);
		csr.getSpec().setGroups(List.of(group, "system:authenticated"));
		return csr;
	}

	static GeneralName ip(String address) {
		return TestPki.ip(address);
	}

	static GeneralName dns(String name) {
		return TestPki.dns(name);
	}

	static Node node(String name, NodeAddress... addresses) {
		return new NodeBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewStatus()
			.withAddresses(addresses)
			.endStatus()
			.build();
	}

}
