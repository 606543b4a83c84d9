package io.stevedore.controller.certificates;

import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.testsupport.pki.TestKeys;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each built-in signer's checks, with Kubernetes' wording of the first failure. */
class BuiltInSignersTest {

	private static final List<String> CLIENT = List.of("digital signature", "key encipherment", "client auth");

	private static final List<String> SERVING = List.of("digital signature", "key encipherment", "server auth");

	@Test
	void aKubeApiServerClientRequestForAnyUserAndGroupsIsSigned() {
		assertThat(problem(BuiltInSigners.KUBE_APISERVER_CLIENT, "O=devs,O=ops,CN=alice", CLIENT)).isNull();
		assertThat(problem(BuiltInSigners.KUBE_APISERVER_CLIENT, "CN=bob", List.of("client auth"))).isNull();
	}

	@Test
	void aKubeApiServerClientRequestWithoutClientAuthIsRefused() {
		assertThat(problem(BuiltInSigners.KUBE_APISERVER_CLIENT, "CN=alice", List.of("digital signature")))
			.isEqualTo("missing required usage for client certificate: client auth");
	}

	@Test
	void aKubeApiServerClientRequestWithAServingUsageIsRefused() {
		assertThat(problem(BuiltInSigners.KUBE_APISERVER_CLIENT, "CN=alice", List.of("client auth", "server auth")))
			.isEqualTo("invalid usage for client certificate: server auth");
	}

	@Test
	void aKubeletServingRequestWithDnsAndIpNamesIsSigned() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1", SERVING,
				TestPki.dns("n1"), TestPki.ip("10.0.0.1")))
			.isNull();
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
				List.of("digital signature", "server auth"), TestPki.ip("10.0.0.1")))
			.isNull();
	}

	@Test
	void aKubeletServingRequestOutsideSystemNodesIsRefused() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=devs,CN=system:node:n1", SERVING, TestPki.dns("n1")))
			.isEqualTo("subject organization is not system:nodes");
	}

	@Test
	void aKubeletServingRequestWithoutDnsOrIpNameIsRefused() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1", SERVING))
			.isEqualTo("DNS or IP subjectAltName is required");
	}

	@Test
	void aKubeletServingRequestWithAnEmailOrUriNameIsRefused() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1", SERVING,
				TestPki.dns("n1"), new GeneralName(GeneralName.rfc822Name, "n1@example.com")))
			.isEqualTo("Email subjectAltNames are not allowed");
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1", SERVING,
				TestPki.dns("n1"), new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://n1")))
			.isEqualTo("URI subjectAltNames are not allowed");
	}

	@Test
	void aKubeletServingRequestWithClientAuthIsRefused() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
				List.of("digital signature", "key encipherment", "server auth", "client auth"), TestPki.dns("n1")))
			.isEqualTo("usages did not match [digital signature key encipherment server auth]");
	}

	@Test
	void aKubeletServingRequestForANonNodeNameIsRefused() {
		assertThat(problem(BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=web", SERVING, TestPki.dns("web")))
			.isEqualTo("subject common name does not begin with system:node:");
	}

	@Test
	void aKubeletClientRequestWithANameIsRefused() {
		assertThat(problem(NodeClientRequest.SIGNER, "O=system:nodes,CN=system:node:n1",
				List.of("digital signature", "client auth"), TestPki.dns("n1")))
			.contains("subject alternative names are not allowed");
	}

	@Test
	void theLegacyUnknownAndOtherSignersAreNotCsrsigningsToSign() {
		assertThat(BuiltInSigners.forName("kubernetes.io/legacy-unknown")).isEmpty();
		assertThat(BuiltInSigners.forName("example.com/custom")).isEmpty();
		assertThat(BuiltInSigners.forName(null)).isEmpty();
	}

	private static String problem(String signer, String subject, List<String> usages, GeneralName... names) {
		CertificateSigningRequest csr = TestPki.csr("r", signer, subject, TestKeys.ec(), "someone", usages, names);
		try {
			return BuiltInSigners.forName(signer).orElseThrow().problem(csr, NodeClientRequest.parse(csr));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
