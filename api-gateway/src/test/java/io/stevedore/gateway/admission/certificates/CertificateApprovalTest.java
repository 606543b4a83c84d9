package io.stevedore.gateway.admission.certificates;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CertificateApprovalTest {

	private static final String CLIENT = "kubernetes.io/kube-apiserver-client";

	private final SignerRbac rbac = new SignerRbac();

	private final CertificateApproval plugin = new CertificateApproval(this.rbac.authorizer);

	@Test
	void aUserBoundToTheSignersApproverRoleMayApprove() {
		this.rbac.bind("alice", "system:certificates.k8s.io:kube-apiserver-client-approver");
		assertThatCode(() -> this.plugin.validate(approval("alice", CLIENT))).doesNotThrowAnyException();
	}

	@Test
	void aUserWithoutApproveOnTheSignerIsForbiddenWithKubernetesMessage() {
		this.rbac.bind("alice", "system:certificates.k8s.io:kubelet-serving-approver");
		AdmissionDenied denied = catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(approval("alice", CLIENT)));
		assertThat(denied.status().getCode()).isEqualTo(403);
		assertThat(denied.status().getMessage())
			.isEqualTo("certificatesigningrequests.certificates.k8s.io \"alice-csr\" is forbidden: "
					+ "user not permitted to approve requests with signerName \"kubernetes.io/kube-apiserver-client\"");
	}

	@Test
	void approveOnTheSignersDomainWithAStarCoversEverySignerOfThatDomain() {
		this.rbac.grant("alice", signers("approve", "example.com/*"));
		assertThatCode(() -> this.plugin.validate(approval("alice", "example.com/team-a"))).doesNotThrowAnyException();
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(approval("alice", "example.org/team-a"))))
			.isNotNull();
	}

	@Test
	void theSignerIsTheStoredRequestsNotTheOneTheWriteNames() {
		this.rbac.grant("alice", signers("approve", "example.com/mine"));
		CertificateSigningRequest stored = SignerRbac.csr("alice-csr", CLIENT, "CN=alice");
		CertificateSigningRequest renamed = new CertificateSigningRequestBuilder(stored).editSpec()
			.withSignerName("example.com/mine")
			.endSpec()
			.build();
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(write("alice", "approval", approved(renamed), stored))))
			.isNotNull();
	}

	@Test
	void theControllerManagerMayApproveKubeletClientAndServingRequestsOnly() {
		this.rbac.bind("system:kube-controller-manager", "system:kube-controller-manager");
		assertThatCode(() -> this.plugin
			.validate(approval("system:kube-controller-manager", "kubernetes.io/kube-apiserver-client-kubelet")))
			.doesNotThrowAnyException();
		// Stevedore's csrapproving also approves a node's own serving request.
		assertThatCode(
				() -> this.plugin.validate(approval("system:kube-controller-manager", "kubernetes.io/kubelet-serving")))
			.doesNotThrowAnyException();
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(approval("system:kube-controller-manager", CLIENT))))
			.isNotNull();
	}

	@Test
	void clusterAdminsMayApproveForAnySigner() {
		this.rbac.bind("root", "cluster-admin");
		assertThatCode(() -> this.plugin.validate(approval("root", "example.com/anything"))).doesNotThrowAnyException();
	}

	@Test
	void writesOtherThanTheApprovalSubresourceAreNotLookedAt() {
		CertificateSigningRequest csr = SignerRbac.csr("alice-csr", CLIENT, "CN=alice");
		assertThatCode(() -> this.plugin.validate(write("nobody", "", csr, csr))).doesNotThrowAnyException();
	}

	static io.fabric8.kubernetes.api.model.rbac.PolicyRule signers(String verb, String name) {
		return new PolicyRuleBuilder().withApiGroups("certificates.k8s.io")
			.withResources("signers")
			.withResourceNames(name)
			.withVerbs(verb)
			.build();
	}

	private static AdmissionAttributes approval(String user, String signerName) {
		CertificateSigningRequest stored = SignerRbac.csr("alice-csr", signerName, "CN=alice");
		return write(user, "approval", approved(new CertificateSigningRequestBuilder(stored).build()), stored);
	}

	static CertificateSigningRequest approved(CertificateSigningRequest csr) {
		csr.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType("Approved").withStatus("True").build());
		return csr;
	}

	static AdmissionAttributes write(String user, String subresource, CertificateSigningRequest object,
			CertificateSigningRequest old) {
		return new AdmissionAttributes(AdmissionAttributes.UPDATE, "certificates.k8s.io", "v1",
				"certificatesigningrequests", subresource, "", old.getMetadata().getName(), object, old, false,
				UserInfo.of(user, List.of()), new ArrayList<>());
	}

}
