package io.stevedore.machinery.validation.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;

/**
 * ReplicaSets, StatefulSets and DaemonSets share the Deployment's selector and template
 * rules.
 */
class OtherWorkloadsValidationTest {

	private static String as(String kind, String extraSpec) {
		return Manifests.DEPLOYMENT.replace("kind: Deployment", "kind: " + kind)
			.replace("  replicas: 3\n", kind.equals("DaemonSet") ? "" : "  replicas: 3\n")
			.replaceFirst("spec:\n  ", "spec:\n" + extraSpec + "  ");
	}

	@Test
	void aTypicalReplicaSetStatefulSetAndDaemonSetAreValid() {
		assertThat(Manifests.createErrors(Manifests.defaulted(as("ReplicaSet", ""), ReplicaSet.class, x -> {
		}))).isEmpty();
		assertThat(Manifests
			.createErrors(Manifests.defaulted(as("StatefulSet", "  serviceName: web\n"), StatefulSet.class, x -> {
			}))).isEmpty();
		assertThat(Manifests.createErrors(Manifests.defaulted(as("DaemonSet", ""), DaemonSet.class, x -> {
		}))).isEmpty();
	}

	@Test
	void aReplicaSetSelectorMustMatchItsTemplate() {
		ReplicaSet rs = Manifests.defaulted(as("ReplicaSet", ""), ReplicaSet.class,
				r -> r.getSpec().getTemplate().getMetadata().getLabels().put("app", "api"));
		assertThat(Manifests.createErrors(rs)).containsExactly(
				"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\", \"tier\":\"frontend\"}: `selector` does not match template `labels`");
	}

	@Test
	void aStatefulSetContainerMountsItsVolumeClaimTemplatesByName() {
		StatefulSet mounted = Manifests.defaulted(as("StatefulSet", "  serviceName: web\n"), StatefulSet.class, s -> {
			s.getSpec()
				.setVolumeClaimTemplates(java.util.List
					.of(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata()
						.withName("data")
						.endMetadata()
						.withNewSpec()
						.withAccessModes("ReadWriteOnce")
						.withNewResources()
						.addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
						.endResources()
						.endSpec()
						.build()));
			s.getSpec()
				.getTemplate()
				.getSpec()
				.getContainers()
				.get(0)
				.setVolumeMounts(
						java.util.List.of(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("data")
							.withMountPath("/data")
							.build()));
		});
		assertThat(Manifests.createErrors(mounted)).isEmpty();
		assertThat(mounted.getSpec().getTemplate().getSpec().getVolumes()).as("validation changes nothing")
			.isNullOrEmpty();

		mounted.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().get(0).setName("other");
		assertThat(Manifests.createErrors(mounted))
			.containsExactly("spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"other\"");
	}

	@Test
	void aStatefulSetNameIsADnsLabel() {
		StatefulSet sts = Manifests.defaulted(as("StatefulSet", ""), StatefulSet.class,
				s -> s.getMetadata().setName("web.v1"));
		assertThat(Manifests.createErrors(sts))
			.containsExactly("metadata.name: Invalid value: \"web.v1\": must not contain dots");
	}

	@Test
	void aStatefulSetUpdateMayOnlyChangeSomeFields() {
		StatefulSet old = Manifests.defaulted(as("StatefulSet", "  serviceName: web\n"), StatefulSet.class, x -> {
		});
		StatefulSet scaled = Manifests.defaulted(as("StatefulSet", "  serviceName: web\n"), StatefulSet.class,
				s -> s.getSpec().setReplicas(5));
		StatefulSet renamed = Manifests.defaulted(as("StatefulSet", "  serviceName: web\n"), StatefulSet.class,
				s -> s.getSpec().setServiceName("other"));
		assertThat(Manifests.updateErrors(scaled, old)).isEmpty();
		assertThat(Manifests.updateErrors(renamed, old))
			.containsExactly("spec: Forbidden: " + StatefulSetValidation.UPDATE_FORBIDDEN);
	}

	@Test
	void aStatefulSetPodManagementPolicyIsOrderedReadyOrParallel() {
		StatefulSet sts = Manifests.defaulted(as("StatefulSet", ""), StatefulSet.class,
				s -> s.getSpec().setPodManagementPolicy("Random"));
		assertThat(Manifests.createErrors(sts)).containsExactly(
				"spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'");
	}

	@Test
	void aDaemonSetNeedsExactlyOneOfMaxSurgeAndMaxUnavailable() {
		DaemonSet both = Manifests.defaulted(as("DaemonSet", ""), DaemonSet.class,
				d -> d.getSpec()
					.setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
						.withType("RollingUpdate")
						.withNewRollingUpdate()
						.withMaxSurge(new IntOrString(1))
						.withMaxUnavailable(new IntOrString(1))
						.endRollingUpdate()
						.build()));
		DaemonSet neither = Manifests.defaulted(as("DaemonSet", ""), DaemonSet.class,
				d -> d.getSpec()
					.setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
						.withType("RollingUpdate")
						.withNewRollingUpdate()
						.withMaxSurge(new IntOrString(0))
						.withMaxUnavailable(new IntOrString(0))
						.endRollingUpdate()
						.build()));
		assertThat(Manifests.createErrors(both)).containsExactly(
				"spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero");
		assertThat(Manifests.createErrors(neither)).containsExactly(
				"spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0 when maxSurge is 0");
	}

	@Test
	void aDaemonSetSelectorIsImmutable() {
		DaemonSet old = Manifests.defaulted(as("DaemonSet", ""), DaemonSet.class, x -> {
		});
		DaemonSet updated = Manifests.defaulted(as("DaemonSet", ""), DaemonSet.class,
				d -> d.getSpec().getSelector().getMatchLabels().put("tier", "frontend"));
		assertThat(Manifests.updateErrors(updated, old)).hasSize(1)
			.allMatch(m -> m.startsWith("spec.selector: Invalid value: v1.LabelSelector{")
					&& m.endsWith("field is immutable"));
	}

	@Test
	void deploymentsStayValidAfterAScaleToZero() {
		Deployment d = Manifests.defaulted(Manifests.DEPLOYMENT, Deployment.class, x -> x.getSpec().setReplicas(0));
		assertThat(Manifests.createErrors(d)).isEmpty();
	}

}
