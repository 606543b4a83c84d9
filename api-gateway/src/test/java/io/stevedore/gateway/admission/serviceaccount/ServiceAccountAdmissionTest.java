package io.stevedore.gateway.admission.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ServiceAccount plugin's defaulting and checks, with kube-apiserver's messages. */
class ServiceAccountAdmissionTest {

	private final List<String> mounted = new ArrayList<>();

	private final Map<String, ServiceAccount> accounts = Map.of("team/default", account("default").build(),
			"team/builder",
			account("builder").addNewImagePullSecret("registry").withAutomountServiceAccountToken(false).build(),
			"team/strict",
			account("strict")
				.withMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("strict")
					.withNamespace("team")
					.withAnnotations(Map.of(ServiceAccountAdmission.ENFORCE_MOUNTABLE_SECRETS, "true"))
					.build())
				.addNewSecret()
				.withName("allowed")
				.endSecret()
				.build());

	private final ServiceAccountAdmission plugin = new ServiceAccountAdmission(
			(namespace, name) -> Optional.ofNullable(this.accounts.get(namespace + "/" + name)),
			(account, pod) -> this.mounted.add(account.getMetadata().getName() + "->" + pod.getMetadata().getName()));

	@Test
	void aPodWithoutAnAccountGetsTheDefaultOneAndItsToken() {
		Pod pod = pod(null).build();
		admitAndValidate(pod);
		assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
		assertThat(this.mounted).containsExactly("default->p");
	}

	@Test
	void aPodNamingAMissingAccountIsRefusedWithKubernetesMessage() {
		Pod pod = pod("ghost").build();
		assertThatThrownBy(() -> this.plugin.admit(AdmissionRequests.create("/pods", pod))).isInstanceOfSatisfying(
				AdmissionDenied.class,
				(denied) -> assertThat(denied.status().getMessage()).isEqualTo("pods \"p\" is forbidden: "
						+ "error looking up service account team/ghost: serviceaccount \"ghost\" not found"));
	}

	@Test
	void aFailedLookupIsARefusalNamingTheAccount() {
		ServiceAccountAdmission failing = new ServiceAccountAdmission((namespace, name) -> {
			throw new IllegalStateException("apiserver unreachable");
		}, TokenVolumeMounter.NONE);
		assertThatThrownBy(() -> failing.admit(AdmissionRequests.create("/pods", pod(null).build()))).hasMessage(
				"pods \"p\" is forbidden: error looking up service account team/default: apiserver unreachable");
	}

	@Test
	void theAccountsPullSecretsAreCopiedAndItsAutomountOptOutIsHonoured() {
		Pod pod = pod("builder").build();
		admitAndValidate(pod);
		assertThat(pod.getSpec().getImagePullSecrets()).extracting("name").containsExactly("registry");
		assertThat(this.mounted).isEmpty();
	}

	@Test
	void thePodsOwnAutomountSettingWinsOverTheAccounts() {
		Pod pod = pod("builder").editSpec().withAutomountServiceAccountToken(true).endSpec().build();
		admitAndValidate(pod);
		assertThat(this.mounted).containsExactly("builder->p");
	}

	@Test
	void anAccountEnforcingMountableSecretsRefusesOtherSecrets() {
		Pod allowed = pod("strict").editSpec()
			.addNewVolume()
			.withName("s")
			.withNewSecret()
			.withSecretName("allowed")
			.endSecret()
			.endVolume()
			.endSpec()
			.build();
		admitAndValidate(allowed);
		Pod refused = pod("strict").editSpec()
			.addNewVolume()
			.withName("s")
			.withNewSecret()
			.withSecretName("other")
			.endSecret()
			.endVolume()
			.endSpec()
			.build();
		assertThatThrownBy(() -> admitAndValidate(refused)).hasMessage("pods \"p\" is forbidden: volume with "
				+ "secret.secretName=\"other\" is not allowed because service account strict does not reference that secret");
	}

	@Test
	void aMirrorPodMayNotNameAnAccount() {
		Pod mirror = pod("default").editMetadata()
			.withAnnotations(Map.of(ServiceAccountAdmission.MIRROR_POD_ANNOTATION, "x"))
			.endMetadata()
			.build();
		assertThatThrownBy(() -> admitAndValidate(mirror))
			.hasMessage("pods \"p\" is forbidden: a mirror pod may not reference service accounts");
	}

	@Test
	void updatesAndSubresourcesAreLeftAlone() {
		Pod pod = pod("ghost").build();
		this.plugin.admit(AdmissionRequests.update("/pods", pod, pod(null).build()));
		this.plugin.validate(AdmissionRequests.of(AdmissionAttributes.CREATE, "/pods", "binding", pod, null));
		assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("ghost");
	}

	private void admitAndValidate(Pod pod) {
		AdmissionAttributes attributes = AdmissionRequests.create("/pods", pod);
		this.plugin.admit(attributes);
		this.plugin.validate(attributes);
	}

	private static ServiceAccountBuilder account(String name) {
		return new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace("team").endMetadata();
	}

	private static PodBuilder pod(String account) {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withServiceAccountName(account)
			.addNewContainer()
			.withName("c")
			.withImage("busybox")
			.endContainer()
			.endSpec();
	}

}
