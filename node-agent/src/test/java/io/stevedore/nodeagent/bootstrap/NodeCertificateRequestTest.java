package io.stevedore.nodeagent.bootstrap;

import java.time.Duration;
import java.util.List;

import io.stevedore.nodeagent.support.TestCsrs;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What the agent asks the two kubelet signers for. */
class NodeCertificateRequestTest {

	@Test
	void theServingRequestIsTheKubeletsForTheNodesAddresses() throws Exception {
		NodeCertificateRequest serving = NodeCertificateRequest.createServing("n1", Duration.ofHours(1),
				List.of("host-1"), List.of("10.0.0.7", "fd00::7"));

		var spec = serving.csr().getSpec();
		assertThat(spec.getSignerName()).isEqualTo("kubernetes.io/kubelet-serving");
		assertThat(spec.getUsages()).containsExactly("digital signature", "key encipherment", "server auth");
		assertThat(spec.getExpirationSeconds()).isEqualTo(3600);
		assertThat(serving.csr().getMetadata().getGenerateName()).isEqualTo("csr-");
		PKCS10CertificationRequest request = TestCsrs.parse(serving.csr());
		assertThat(request.getSubject()).isEqualTo(new X500Name("O=system:nodes,CN=system:node:n1"));
		assertThat(altNames(request)).containsExactly(new GeneralName(GeneralName.dNSName, "host-1"),
				new GeneralName(GeneralName.iPAddress, "10.0.0.7"), new GeneralName(GeneralName.iPAddress, "fd00::7"));
		assertThat(request.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())
			.isEqualTo(PKCSObjectIdentifiers.rsaEncryption);
		assertThat(request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(serving.key().getPublic())))
			.as("signed with its own key")
			.isTrue();
	}

	@Test
	void theClientRequestHasNoSubjectAlternativeNames() {
		NodeCertificateRequest client = NodeCertificateRequest.create("n1", null);

		assertThat(client.csr().getSpec().getSignerName()).isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
		assertThat(client.csr().getSpec().getUsages()).containsExactly("digital signature", "key encipherment",
				"client auth");
		assertThat(client.csr().getSpec().getExpirationSeconds()).isNull();
		assertThat(TestCsrs.parse(client.csr()).getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest))
			.isEmpty();
	}

	@Test
	void aServingRequestWithoutAddressesIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NodeCertificateRequest.createServing("n1", null, List.of(), List.of()))
			.withMessageContaining("at least one address");
	}

	private static GeneralName[] altNames(PKCS10CertificationRequest request) {
		var attributes = request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
		Extensions extensions = Extensions.getInstance(attributes[0].getAttrValues().getObjectAt(0));
		return GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName).getNames();
	}

}
