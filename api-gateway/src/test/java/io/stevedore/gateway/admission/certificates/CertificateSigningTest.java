package io.stevedore.gateway.admission.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.gateway.admission.AdmissionDenied;
import org.junit.jupiter.api.Test;

import static io.stevedore.gateway.admission.certificates.CertificateApprovalTest.approved;
import static io.stevedore.gateway.admission.certificates.CertificateApprovalTest.signers;
import static io.stevedore.gateway.admission.certificates.CertificateApprovalTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CertificateSigningTest {

	private static final String CLIENT = "kubernetes.io/kube-apiserver-client";

	private final SignerRbac rbac = new SignerRbac();

	private final CertificateSigning plugin = new CertificateSigning(this.rbac.authorizer);

	@Test
	void theControllerManagerMaySignForEveryBuiltInSigner() {
		this.rbac.bind("system:kube-controller-manager", "system:kube-controller-manager");
		for (String signer : new String[] { CLIENT, "kubernetes.io/kube-apiserver-client-kubelet",
				"kubernetes.io/kubelet-serving", "kubernetes.io/legacy-unknown" }) {
			assertThatCode(() -> this.plugin.validate(issue("system:kube-controller-manager", signer)))
				.doesNotThrowAnyException();
		}
	}

	@Test
	void writingACertificateWithoutSignOnTheSignerIsForbiddenWithKubernetesMessage() {
		this.rbac.grant("alice", signers("approve", CLIENT));
		AdmissionDenied denied = catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(issue("alice", CLIENT)));
		assertThat(denied.status().getCode()).isEqualTo(403);
		assertThat(denied.status().getMessage())
			.isEqualTo("certificatesigningrequests.certificates.k8s.io \"alice-csr\" is forbidden: "
					+ "user not permitted to sign requests with signerName \"kubernetes.io/kube-apiserver-client\"");
	}

	@Test
	void addingAFailedConditionIsASignersActToo() {
		CertificateSigningRequest stored = approved(SignerRbac.csr("alice-csr", "example.com/s", "CN=alice"));
		CertificateSigningRequest failed = new CertificateSigningRequestBuilder(stored).build();
		failed.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType("Failed").withStatus("True").build());
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(write("alice", "status", failed, stored))))
			.isNotNull();
		this.rbac.grant("alice", signers("sign", "example.com/*"));
		assertThatCode(() -> this.plugin.validate(write("alice", "status", failed, stored))).doesNotThrowAnyException();
	}

	@Test
	void aStatusWriteThatChangesNeitherCertificateNorConditionsNeedsNoSign() {
		CertificateSigningRequest stored = approved(SignerRbac.csr("alice-csr", CLIENT, "CN=alice"));
		CertificateSigningRequest same = new CertificateSigningRequestBuilder(stored).build();
		assertThatCode(() -> this.plugin.validate(write("alice", "status", same, stored))).doesNotThrowAnyException();
	}

	private static io.stevedore.gateway.admission.AdmissionAttributes issue(String user, String signerName) {
		CertificateSigningRequest stored = approved(SignerRbac.csr("alice-csr", signerName, "CN=alice"));
		CertificateSigningRequest issued = new CertificateSigningRequestBuilder(stored).build();
		issued.getStatus().setCertificate("Y2VydA==");
		return write(user, "status", issued, stored);
	}

}
