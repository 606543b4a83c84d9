package io.stevedore.gateway.admission.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kube-api-access volume the ServiceAccount plugin adds, as Kubernetes shapes it. */
class KubeApiAccessVolumeTest {

	private final KubeApiAccessVolume mounter = new KubeApiAccessVolume(new Random(42));

	@Test
	void aNewPodGetsTheProjectedTokenCaAndNamespaceVolumeMountedReadOnlyInEveryContainer() {
		Pod pod = pod().editSpec()
			.addNewInitContainer()
			.withName("init")
			.withImage("busybox")
			.endInitContainer()
			.endSpec()
			.build();
		admit(pod, account(null));

		assertThat(pod.getSpec().getVolumes()).hasSize(1);
		Volume volume = pod.getSpec().getVolumes().get(0);
		assertThat(volume.getName()).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
		assertThat(volume.getProjected().getDefaultMode()).isEqualTo(0644);
		List<VolumeProjection> sources = volume.getProjected().getSources();
		assertThat(sources).hasSize(3);
		assertThat(sources.get(0).getServiceAccountToken().getPath()).isEqualTo("token");
		assertThat(sources.get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
		assertThat(sources.get(0).getServiceAccountToken().getAudience()).isNull();
		assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
		assertThat(sources.get(1).getConfigMap().getItems()).singleElement()
			.satisfies(item -> assertThat(item.getKey() + "->" + item.getPath()).isEqualTo("ca.crt->ca.crt"));
		assertThat(sources.get(2).getDownwardAPI().getItems()).singleElement().satisfies(item -> {
			assertThat(item.getPath()).isEqualTo("namespace");
			assertThat(item.getFieldRef().getApiVersion()).isEqualTo("v1");
			assertThat(item.getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
		});
		List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
		all.addAll(pod.getSpec().getContainers());
		assertThat(all).hasSize(3)
			.allSatisfy(container -> assertThat(container.getVolumeMounts()).singleElement().satisfies(mount -> {
				assertThat(mount.getName()).isEqualTo(volume.getName());
				assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
				assertThat(mount.getReadOnly()).isTrue();
			}));
	}

	@Test
	void aPodOrAccountOptingOutOfAutomountGetsNoVolume() {
		Pod optedOutPod = pod().editSpec().withAutomountServiceAccountToken(false).endSpec().build();
		admit(optedOutPod, account(null));
		assertThat(optedOutPod.getSpec().getVolumes()).isNullOrEmpty();
		assertThat(optedOutPod.getSpec().getContainers().get(0).getVolumeMounts()).isNullOrEmpty();

		Pod byAccount = pod().build();
		admit(byAccount, account(false));
		assertThat(byAccount.getSpec().getVolumes()).isNullOrEmpty();
	}

	@Test
	void aContainerWithItsOwnMountAtThePathIsLeftAloneAndAPodWhereAllHaveOneGetsNoVolume() {
		Pod pod = withOwnMount(pod()).build();
		admit(pod, account(null));
		assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName)
			.containsExactly("mine", pod.getSpec().getContainers().get(1).getVolumeMounts().get(0).getName());
		assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getName)
			.containsExactly("mine");
		assertThat(pod.getSpec().getContainers().get(1).getVolumeMounts()).singleElement()
			.satisfies(mount -> assertThat(mount.getName()).startsWith("kube-api-access-"));

		Pod allOwn = withOwnMount(pod().editSpec().removeMatchingFromContainers(c -> "b".equals(c.getName())).endSpec())
			.build();
		admit(allOwn, account(null));
		assertThat(allOwn.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("mine");
		assertThat(allOwn.getSpec().getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getName)
			.containsExactly("mine");
	}

	private static PodBuilder withOwnMount(PodBuilder pod) {
		return pod.editSpec()
			.editFirstContainer()
			.addNewVolumeMount()
			.withName("mine")
			.withMountPath(KubeApiAccessVolume.MOUNT_PATH)
			.endVolumeMount()
			.endContainer()
			.addNewVolume()
			.withName("mine")
			.withNewEmptyDir()
			.endEmptyDir()
			.endVolume()
			.endSpec();
	}

	@Test
	void aPodAlreadyCarryingAKubeApiAccessVolumeKeepsItAndGetsNoSecond() {
		Pod pod = pod().editSpec()
			.addNewVolume()
			.withName("kube-api-access-abcde")
			.withProjected(KubeApiAccessVolume.source())
			.endVolume()
			.endSpec()
			.build();
		admit(pod, account(null));
		assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("kube-api-access-abcde");
		assertThat(pod.getSpec().getContainers())
			.allSatisfy(c -> assertThat(c.getVolumeMounts()).extracting(VolumeMount::getName)
				.containsExactly("kube-api-access-abcde"));
	}

	@Test
	void everyPodGetsItsOwnRandomSuffixFromKubernetesAlphabet() {
		java.util.Set<String> names = new java.util.HashSet<>();
		for (int i = 0; i < 200; i++) {
			Pod pod = pod().build();
			admit(pod, account(null));
			names.add(pod.getSpec().getVolumes().get(0).getName());
		}
		// 27^5 = 14 million names: 200 draws collide with a chance near 0.1 %, and the
		// generator is seeded, so this never flakes.
		assertThat(names).hasSize(200)
			.allSatisfy(name -> assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}"));
	}

	private void admit(Pod pod, ServiceAccount account) {
		ServiceAccountAdmission plugin = new ServiceAccountAdmission((namespace, name) -> Optional.of(account),
				this.mounter);
		AdmissionAttributes attributes = AdmissionRequests.create("/pods", pod);
		plugin.admit(attributes);
		plugin.validate(attributes);
	}

	private static ServiceAccount account(Boolean automount) {
		return new ServiceAccountBuilder().withNewMetadata()
			.withName("default")
			.withNamespace("team")
			.endMetadata()
			.withAutomountServiceAccountToken(automount)
			.build();
	}

	private static PodBuilder pod() {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("a")
			.withImage("busybox")
			.endContainer()
			.addNewContainer()
			.withName("b")
			.withImage("busybox")
			.endContainer()
			.endSpec();
	}

}
