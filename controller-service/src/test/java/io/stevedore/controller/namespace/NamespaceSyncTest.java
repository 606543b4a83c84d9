package io.stevedore.controller.namespace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.api.ApiResource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class NamespaceSyncTest {

	private static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list",
			"patch", "update", "watch");

	private static final ApiResource PODS = new ApiResource("", "v1", "Pod", "pods", true, ALL_VERBS);

	private static final ApiResource CONFIGMAPS = new ApiResource("", "v1", "ConfigMap", "configmaps", true, ALL_VERBS);

	private static final ApiResource NODES = new ApiResource("", "v1", "Node", "nodes", false, ALL_VERBS);

	/** A namespaced resource that can be deleted one by one only. */
	private static final ApiResource WIDGETS = new ApiResource("example.com", "v1", "Widget", "widgets", true,
			List.of("delete", "get", "list"));

	private final FakeContent content = new FakeContent();

	private final Map<String, Namespace> namespaces = new HashMap<>();

	private final NamespaceSync sync = new NamespaceSync(this.namespaces::get, this.content, new FakeClock());

	@Test
	void anActiveNamespaceIsLeftAlone() {
		this.namespaces.put("team", namespace("team", false, "kubernetes"));
		this.content.objects.put("pods", new ArrayList<>(List.of(object("web"))));

		assertThat(this.sync.reconcile("team")).isEqualTo(Result.done());
		assertThat(this.content.calls).isEmpty();
	}

	@Test
	void aTerminatingNamespaceHasEveryNamespacedResourceDeletedThenIsFinalized() {
		this.namespaces.put("team", namespace("team", true, "kubernetes", "example.com/other"));
		this.content.objects.put("pods", new ArrayList<>(List.of(object("web"))));
		this.content.objects.put("configmaps", new ArrayList<>(List.of(object("settings"))));
		this.content.objects.put("widgets.example.com", new ArrayList<>(List.of(object("w"))));

		assertThat(this.sync.reconcile("team")).isEqualTo(Result.done());

		assertThat(this.content.calls)
			.contains("deletecollection pods", "deletecollection configmaps", "delete widgets.example.com/w")
			.doesNotContain("deletecollection nodes");
		assertThat(this.content.finalized).as("only the kubernetes finalizer is removed")
			.containsExactly("example.com/other");
		assertThat(this.content.conditions).extracting(NamespaceCondition::getType, NamespaceCondition::getStatus)
			.contains(org.assertj.core.groups.Tuple.tuple("NamespaceContentRemaining", "False"));
	}

	@Test
	void contentThatStaysBehindIsReportedAndCheckedAgainBeforeFinalizing() {
		this.namespaces.put("team", namespace("team", true, "kubernetes"));
		this.content.stuck.put("pods", new ArrayList<>(List
			.of(new ObjectMetaBuilder(object("web")).withFinalizers("example.com/hold").build(), object("db"))));

		Result result = this.sync.reconcile("team");

		assertThat(result.requeueAfter()).isEqualTo(NamespaceSync.RECHECK);
		assertThat(this.content.finalized).isNull();
		assertThat(this.content.conditions).filteredOn(c -> c.getType().equals("NamespaceContentRemaining"))
			.singleElement()
			.satisfies(c -> {
				assertThat(c.getStatus()).isEqualTo("True");
				assertThat(c.getReason()).isEqualTo("SomeResourcesRemain");
				assertThat(c.getMessage()).isEqualTo("Some resources are remaining: pods has 2 resource instances");
			});
		assertThat(this.content.conditions).filteredOn(c -> c.getType().equals("NamespaceFinalizersRemaining"))
			.singleElement()
			.satisfies(c -> assertThat(c.getMessage()).isEqualTo(
					"Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"));
	}

	@Test
	void aFailingResourceDoesNotStopTheOthersButKeepsTheNamespaceAndIsRetried() {
		this.namespaces.put("team", namespace("team", true, "kubernetes"));
		this.content.failing = "configmaps";
		this.content.objects.put("pods", new ArrayList<>(List.of(object("web"))));

		assertThatIllegalStateException().isThrownBy(() -> this.sync.reconcile("team"))
			.withMessageContaining("configmaps");

		assertThat(this.content.calls).contains("deletecollection pods");
		assertThat(this.content.finalized).isNull();
		assertThat(this.content.conditions).filteredOn(c -> c.getType().equals("NamespaceDeletionContentFailure"))
			.singleElement()
			.satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
	}

	@Test
	void aNamespaceWithoutTheKubernetesFinalizerIsNotOurs() {
		this.namespaces.put("team", namespace("team", true, "example.com/other"));

		assertThat(this.sync.reconcile("team")).isEqualTo(Result.done());
		assertThat(this.content.calls).isEmpty();
	}

	@Test
	void aNamespaceAlreadyGoneIsDone() {
		assertThat(this.sync.reconcile("gone")).isEqualTo(Result.done());
	}

	private static Namespace namespace(String name, boolean deleting, String... finalizers) {
		return new NamespaceBuilder().withNewMetadata()
			.withName(name)
			.withDeletionTimestamp(deleting ? "2026-01-01T00:00:00Z" : null)
			.endMetadata()
			.withNewSpec()
			.withFinalizers(finalizers)
			.endSpec()
			.build();
	}

	private static ObjectMeta object(String name) {
		return new ObjectMetaBuilder().withNamespace("team").withName(name).build();
	}

	/** Objects by resource; deletion empties a resource unless its objects are stuck. */
	private static final class FakeContent implements NamespaceContent {

		final Map<String, List<ObjectMeta>> objects = new LinkedHashMap<>();

		final Map<String, List<ObjectMeta>> stuck = new LinkedHashMap<>();

		final List<String> calls = new ArrayList<>();

		String failing;

		List<String> finalized;

		List<NamespaceCondition> conditions = List.of();

		@Override
		public List<ApiResource> resources() {
			return List.of(PODS, CONFIGMAPS, NODES, WIDGETS);
		}

		@Override
		public void deleteCollection(ApiResource resource, String namespace) {
			if (resource.groupResource().equals(this.failing)) {
				throw new IllegalStateException("DELETE " + resource.collectionPath(namespace) + " -> 500");
			}
			this.calls.add("deletecollection " + resource.groupResource());
			this.objects.remove(resource.groupResource());
		}

		@Override
		public void delete(ApiResource resource, String namespace, String name) {
			this.calls.add("delete " + resource.groupResource() + "/" + name);
			this.objects.get(resource.groupResource()).removeIf(m -> m.getName().equals(name));
		}

		@Override
		public List<ObjectMeta> list(ApiResource resource, String namespace) {
			List<ObjectMeta> all = new ArrayList<>(this.objects.getOrDefault(resource.groupResource(), List.of()));
			all.addAll(this.stuck.getOrDefault(resource.groupResource(), List.of()));
			return all;
		}

		@Override
		public void finalizeNamespace(String name, List<String> finalizers) {
			this.finalized = finalizers;
		}

		@Override
		public void updateConditions(String name, List<NamespaceCondition> conditions) {
			this.conditions = conditions;
		}

	}

}
