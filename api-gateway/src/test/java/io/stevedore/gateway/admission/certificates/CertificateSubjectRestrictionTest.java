package io.stevedore.gateway.admission.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CertificateSubjectRestrictionTest {

	private final CertificateSubjectRestriction plugin = new CertificateSubjectRestriction();

	@Test
	void aKubeApiServerClientRequestForSystemMastersIsForbiddenWithKubernetesMessage() {
		AdmissionDenied denied = catchThrowableOfType(AdmissionDenied.class, () -> this.plugin.validate(create(
				SignerRbac.csr("root", "kubernetes.io/kube-apiserver-client", "O=devs,O=system:masters,CN=root"))));
		assertThat(denied.status().getCode()).isEqualTo(403);
		assertThat(denied.status().getMessage())
			.isEqualTo("certificatesigningrequests.certificates.k8s.io \"root\" is forbidden: "
					+ "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
	}

	@Test
	void aKubeApiServerClientRequestForOtherGroupsIsLetThrough() {
		assertThatCode(() -> this.plugin
			.validate(create(SignerRbac.csr("alice", "kubernetes.io/kube-apiserver-client", "O=devs,CN=alice"))))
			.doesNotThrowAnyException();
	}

	@Test
	void otherSignersMayNameSystemMasters() {
		assertThatCode(() -> this.plugin
			.validate(create(SignerRbac.csr("root", "example.com/internal", "O=system:masters,CN=root"))))
			.doesNotThrowAnyException();
	}

	@Test
	void anUnreadableKubeApiServerClientRequestIsForbidden() {
		CertificateSigningRequest csr = SignerRbac.csr("bad", "kubernetes.io/kube-apiserver-client", "CN=bad");
		csr.getSpec().setRequest("bm90IGEgcmVxdWVzdA==");
		assertThat(catchThrowableOfType(AdmissionDenied.class, () -> this.plugin.validate(create(csr))).status()
			.getMessage()).contains("failed to parse CSR");
	}

	private static io.stevedore.gateway.admission.AdmissionAttributes create(CertificateSigningRequest csr) {
		return AdmissionRequests.create("certificates.k8s.io/certificatesigningrequests", csr);
	}

}
