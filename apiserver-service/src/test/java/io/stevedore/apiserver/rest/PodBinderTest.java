package io.stevedore.apiserver.rest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.defaulting.Defaulting;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A binding written on the stored tree stores the very bytes the typed write (decode,
 * change, default, encode) stored: later updates detect a no-op by comparing encodings
 * with the stored bytes, so any difference in field order would turn a no-op into a
 * write.
 */
class PodBinderTest {

	private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

	private final ObjectCodec codec = new ObjectCodec();

	private final PodBinder binder = new PodBinder(
			new RestContext(null, null, this.codec, null, null, Clock.fixed(NOW, ZoneOffset.UTC), null));

	private static final ResourceType PODS = ResourceRegistry.standard().find("", "v1", "pods").orElseThrow();

	static Stream<Arguments> pods() {
		return Stream.of(Arguments.of("a pod with no annotations and no conditions", pod().build(), Map.of()),
				Arguments.of("a pod with no annotations given the binding's annotations", pod().build(),
						Map.of("example.com/placed-by", "bench")),
				Arguments.of("a pod's own annotations keep their places and the binding's come after them",
						pod().editMetadata()
							.addToAnnotations("b", "1")
							.addToAnnotations("example.com/placed-by", "old")
							.addToAnnotations("a", "2")
							.endMetadata()
							.build(),
						ordered("example.com/placed-by", "bench", "z", "3")),
				Arguments.of(
						"an unschedulable pod's PodScheduled condition is replaced and the others keep their order",
						pod().editStatus()
							.addToConditions(condition("PodReadyToStartContainers", "False"))
							.addToConditions(new PodConditionBuilder(condition("PodScheduled", "False"))
								.withReason("Unschedulable")
								.withMessage("0/3 nodes are available: 3 Insufficient cpu.")
								.build())
							.addToConditions(condition("Initialized", "True"))
							.endStatus()
							.build(),
						Map.of()),
				Arguments.of("a pod whose nodeName is present but empty",
						pod().editSpec().withNodeName("").endSpec().build(), Map.of()),
				Arguments.of(
						"a pod with managed fields, labels, owners, tolerations and a field the model does not know",
						withUnknownSpecField(pod().editMetadata()
							.addToLabels("app", "web")
							.addNewOwnerReference()
							.withApiVersion("apps/v1")
							.withKind("ReplicaSet")
							.withName("web-1")
							.withUid("rs-uid")
							.withController(true)
							.endOwnerReference()
							.addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl")
								.withOperation("Update")
								.withApiVersion("v1")
								.withTime("2026-12-06T23:00:00Z")
								.build())
							.endMetadata()
							.editSpec()
							.addNewToleration()
							.withKey("node.kubernetes.io/not-ready")
							.withOperator("Exists")
							.withEffect("NoExecute")
							.withTolerationSeconds(300L)
							.endToleration()
							.endSpec()
							.build()),
						Map.of("x", "y")),
				Arguments.of("a pod stored without a generation", pod().build(), Map.of()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("pods")
	void theTreeWriteStoresWhatTheTypedWriteStored(String name, Pod pod, Map<String, String> annotations) {
		byte[] stored = storedForm(pod, !name.contains("without a generation"));
		Binding binding = new BindingBuilder().withNewMetadata()
			.withName("p")
			.withAnnotations(annotations.isEmpty() ? null : annotations)
			.endMetadata()
			.withNewTarget()
			.withKind("Node")
			.withName("n1")
			.endTarget()
			.build();

		ObjectNode tree = (ObjectNode) this.codec.readStoredTree(stored);
		this.binder.apply(tree, binding, "n1", 7, "p");

		assertThat(new String(this.codec.encodeTreeForStorage(tree), StandardCharsets.UTF_8))
			.isEqualTo(new String(typedBind(stored, binding), StandardCharsets.UTF_8));
	}

	@Test
	void aPodAlreadyAssignedBeingDeletedOrGatedIsRefusedAndItsTreeLeftAsItWas() {
		Binding binding = new BindingBuilder().withNewMetadata().withName("p").endMetadata().build();
		assertRefused(pod().editSpec().withNodeName("n0").endSpec().build(), binding,
				"pod p is already assigned to node \"n0\"");
		assertRefused(pod().editMetadata().withDeletionTimestamp("2026-12-06T23:00:00Z").endMetadata().build(), binding,
				"pod is being deleted, cannot be assigned to a host");
		assertRefused(pod().editSpec().addNewSchedulingGate("example.com/wait").endSpec().build(), binding,
				"pod p has non-empty .spec.schedulingGates");
	}

	@Test
	void aBindingForAnotherUidOrAnOlderResourceVersionIsRefused() {
		Pod pod = pod().build();
		assertRefused(pod, new BindingBuilder().withNewMetadata().withName("p").withUid("other").endMetadata().build(),
				"Precondition failed: UID in precondition: other, UID in object meta: ");
		assertRefused(pod,
				new BindingBuilder().withNewMetadata().withName("p").withResourceVersion("6").endMetadata().build(),
				"Precondition failed: ResourceVersion in precondition: 6, ResourceVersion in object meta: 7");
	}

	private void assertRefused(Pod pod, Binding binding, String message) {
		byte[] stored = storedForm(pod, true);
		ObjectNode tree = (ObjectNode) this.codec.readStoredTree(stored);
		ObjectNode before = tree.deepCopy();
		assertThatThrownBy(() -> this.binder.apply(tree, binding, "n1", 7, "p")).isInstanceOf(ApiException.class)
			.hasMessageContaining(message)
			.satisfies(ex -> assertThat(((ApiException) ex).status().getCode()).isEqualTo(409));
		assertThat(tree).isEqualTo(before);
	}

	/** What the apiserver stores for a created pod. */
	private byte[] storedForm(Pod pod, boolean withGeneration) {
		Defaulting.apply(PODS, pod);
		String deletion = pod.getMetadata().getDeletionTimestamp();
		ObjectMetaRules.beforeCreate(pod, NOW.minusSeconds(60));
		pod.getMetadata().setDeletionTimestamp(deletion);
		if (!withGeneration) {
			pod.getMetadata().setGeneration(null);
		}
		return this.codec.encodeForStorage(pod);
	}

	/** The binding as the typed write did it (GuaranteedUpdate's steps for a binding). */
	private byte[] typedBind(byte[] stored, Binding binding) {
		Pod pod = this.codec.decodeStored(stored, 7, Pod.class);
		pod.getSpec().setNodeName("n1");
		if (binding.getMetadata().getAnnotations() != null && !binding.getMetadata().getAnnotations().isEmpty()) {
			Map<String, String> annotations = new LinkedHashMap<>();
			if (pod.getMetadata().getAnnotations() != null) {
				annotations.putAll(pod.getMetadata().getAnnotations());
			}
			annotations.putAll(binding.getMetadata().getAnnotations());
			pod.getMetadata().setAnnotations(annotations);
		}
		List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions());
		conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
		conditions.add(new PodConditionBuilder().withType("PodScheduled")
			.withStatus("True")
			.withLastTransitionTime(ObjectMetaRules.timestamp(NOW))
			.build());
		pod.getStatus().setConditions(conditions);
		Defaulting.apply(PODS, pod);
		ObjectMetaRules.beforeUpdate(pod, pod, false);
		return this.codec.encodeForStorage(pod);
	}

	private static PodBuilder pod() {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("c")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.withStatus(new PodStatusBuilder().withPhase("Pending").withQosClass("BestEffort").build());
	}

	private static PodCondition condition(String type, String status) {
		return new PodConditionBuilder().withType(type)
			.withStatus(status)
			.withLastTransitionTime("2026-12-06T23:59:00Z")
			.build();
	}

	private static Pod withUnknownSpecField(Pod pod) {
		pod.getSpec().setAdditionalProperty("futureField", Map.of("enabled", true));
		return pod;
	}

	private static Map<String, String> ordered(String... keysAndValues) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

}
