package io.stevedore.machinery.apply;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import io.stevedore.machinery.errors.ApiException;

import static io.stevedore.machinery.apply.Fixtures.DEPLOYMENT;
import static io.stevedore.machinery.apply.Fixtures.entryOf;
import static io.stevedore.machinery.apply.Fixtures.fieldsOf;
import static io.stevedore.machinery.apply.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldManagerApplyTest {

	private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

	private static final Instant T1 = T0.plusSeconds(60);

	private static final Instant T2 = T0.plusSeconds(120);

	private static JsonNode apply(JsonNode live, String config, String manager) {
		return FieldManager.apply(live, yaml(config), manager, false, Deployment.class, T1).merged();
	}

	@Test
	void applyOnCreateOwnsExactlyTheConfiguredFields() {
		ApplyResult result = FieldManager.apply(null, yaml(DEPLOYMENT), "kubectl", false, Deployment.class, T0);

		assertThat(result.changed()).isTrue();
		JsonNode entry = entryOf(result.merged(), "kubectl");
		assertThat(entry.get("operation").asText()).isEqualTo("Apply");
		assertThat(entry.get("fieldsV1")).isEqualTo(yaml("""
				f:metadata:
				  f:labels: {f:app: {}}
				f:spec:
				  f:replicas: {}
				  f:selector: {}
				  f:template:
				    f:metadata:
				      f:labels: {f:app: {}}
				    f:spec:
				      f:containers:
				        k:{"name":"web"}:
				          .: {}
				          f:image: {}
				          f:name: {}
				          f:ports:
				            k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}}
				"""));
		ObjectNode withoutManagedFields = result.merged().deepCopy();
		withoutManagedFields.withObject("/metadata").remove("managedFields");
		assertThat(withoutManagedFields).isEqualTo(yaml(DEPLOYMENT));
	}

	@Test
	void changingAFieldAnUpdaterOwnsConflictsWithKubernetesMessage() {
		JsonNode live = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-client-side-apply", Deployment.class, T0);
		String config = DEPLOYMENT.replace("replicas: 3", "replicas: 5");

		assertThatThrownBy(() -> apply(live, config, "kubectl")).isInstanceOfSatisfying(ApiException.class, ex -> {
			assertThat(ex.code()).isEqualTo(409);
			assertThat(ex.reason()).isEqualTo("Conflict");
			assertThat(ex.getMessage()).isEqualTo(
					"Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
			StatusCause cause = ex.status().getDetails().getCauses().get(0);
			assertThat(cause.getReason()).isEqualTo("FieldManagerConflict");
			assertThat(cause.getField()).isEqualTo(".spec.replicas");
			assertThat(cause.getMessage()).isEqualTo("conflict with \"kubectl-client-side-apply\" using apps/v1");
		});
	}

	@Test
	void severalConflictsAreListedPerManager() {
		JsonNode live = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		String config = DEPLOYMENT.replace("replicas: 3", "replicas: 5").replace("nginx:1.25", "nginx:1.27");

		assertThatThrownBy(() -> apply(live, config, "kubectl")).hasMessage("""
				Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:
				- .spec.replicas
				- .spec.template.spec.containers[name="web"].image""");
	}

	@Test
	void applyingTheValueAnotherManagerSetSharesOwnershipWithoutConflict() {
		JsonNode live = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		JsonNode merged = apply(live, DEPLOYMENT, "kubectl");
		assertThat(fieldsOf(merged, "kubectl", "Apply").at("/f:spec/f:replicas").isObject()).isTrue();
		assertThat(fieldsOf(merged, "kubectl-create", "Update").at("/f:spec/f:replicas").isObject()).isTrue();
	}

	@Test
	void forceTakesOwnershipAwayFromTheOtherManager() {
		JsonNode live = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ApplyResult result = FieldManager.apply(live, yaml(DEPLOYMENT.replace("replicas: 3", "replicas: 5")), "kubectl",
				true, Deployment.class, T1);

		assertThat(result.merged().at("/spec/replicas").asInt()).isEqualTo(5);
		assertThat(fieldsOf(result.merged(), "kubectl-create", "Update").at("/f:spec/f:replicas").isMissingNode())
			.isTrue();
		assertThat(fieldsOf(result.merged(), "kubectl", "Apply").at("/f:spec/f:replicas").isObject()).isTrue();
	}

	@Test
	void aFieldTheApplierStopsApplyingIsRemoved() {
		JsonNode first = apply(null, DEPLOYMENT.replace("labels: {app: web}}", "labels: {app: web, tier: front}}"),
				"kubectl");
		assertThat(first.at("/metadata/labels/tier").asText()).isEqualTo("front");

		JsonNode second = apply(first, DEPLOYMENT, "kubectl");
		assertThat(second.at("/metadata/labels").has("tier")).isFalse();
		assertThat(second.at("/metadata/labels/app").asText()).isEqualTo("web");
	}

	@Test
	void aFieldTheApplierStopsApplyingStaysWhenAnotherApplierOwnsIt() {
		String withTier = DEPLOYMENT.replace("labels: {app: web}}", "labels: {app: web, tier: front}}");
		JsonNode first = apply(null, withTier, "kubectl");
		JsonNode shared = apply(first, """
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: web, namespace: default, labels: {tier: front}}
				""", "labeler");

		JsonNode second = apply(shared, DEPLOYMENT, "kubectl");
		assertThat(second.at("/metadata/labels/tier").asText()).isEqualTo("front");
		assertThat(fieldsOf(second, "labeler", "Apply")).isEqualTo(yaml("{f:metadata: {f:labels: {f:tier: {}}}}"));
	}

	@Test
	void containersMergeByNameAndADroppedContainerOfAnotherApplierSurvives() {
		JsonNode first = apply(null, DEPLOYMENT, "kubectl");
		JsonNode withSidecar = apply(first, """
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: web, namespace: default}
				spec:
				  template:
				    spec:
				      containers:
				      - {name: istio-proxy, image: proxy:1}
				""", "mesh-injector");
		assertThat(withSidecar.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("web");
		assertThat(withSidecar.at("/spec/template/spec/containers/1/name").asText()).isEqualTo("istio-proxy");

		JsonNode reapplied = apply(withSidecar, DEPLOYMENT.replace("nginx:1.25", "nginx:1.27"), "kubectl");
		assertThat(reapplied.at("/spec/template/spec/containers")).hasSize(2);
		assertThat(reapplied.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
	}

	@Test
	void aContainerTheApplierDropsIsRemovedWithTheFieldsNoOneOwns() {
		String twoContainers = DEPLOYMENT + """
				      - {name: log, image: busybox}
				""";
		JsonNode first = apply(null, twoContainers, "kubectl");
		// the apiserver defaulted a field of the log container: nobody owns it
		ObjectNode defaulted = first.deepCopy();
		((ObjectNode) defaulted.at("/spec/template/spec/containers/1")).put("terminationMessagePath",
				"/dev/termination-log");

		JsonNode second = apply(defaulted, DEPLOYMENT, "kubectl");
		assertThat(second.at("/spec/template/spec/containers")).hasSize(1);
		assertThat(second.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("web");
	}

	@Test
	void atomicListsAreReplacedWhole() {
		String tolerating = DEPLOYMENT + """
				      tolerations: [{key: a, operator: Exists}, {key: b, operator: Exists}]
				""";
		JsonNode first = apply(null, tolerating, "kubectl");
		assertThat(fieldsOf(first, "kubectl", "Apply").at("/f:spec/f:template/f:spec/f:tolerations").isObject())
			.isTrue();
		JsonNode second = apply(first, tolerating.replace(", {key: b, operator: Exists}", ""), "kubectl");
		assertThat(second.at("/spec/template/spec/tolerations")).hasSize(1);
	}

	@Test
	void anUpdateAfterAnApplyTakesTheFieldAndTheNextApplyConflicts() {
		JsonNode applied = apply(null, DEPLOYMENT, "kubectl");
		ObjectNode edited = applied.deepCopy();
		((ObjectNode) edited.at("/spec/template/spec/containers/0")).put("image", "nginx:debug");
		JsonNode afterEdit = FieldManager.update(applied, edited, "kubectl-edit", Deployment.class, T2);

		assertThat(fieldsOf(afterEdit, "kubectl-edit", "Update")).isEqualTo(yaml("""
				f:spec:
				  f:template:
				    f:spec:
				      f:containers:
				        'k:{"name":"web"}': {f:image: {}}
				"""));
		assertThat(fieldsOf(afterEdit, "kubectl", "Apply")
			.at("/f:spec/f:template/f:spec/f:containers/k:{\"name\":\"web\"}")
			.has("f:image")).isFalse();
		assertThatThrownBy(() -> apply(afterEdit, DEPLOYMENT, "kubectl")).hasMessage(
				"Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.template.spec.containers[name=\"web\"].image");
	}

	@Test
	void theStatusOfAnApplyToTheMainResourceIsIgnored() {
		JsonNode merged = apply(null, DEPLOYMENT + "status: {replicas: 9}\n", "kubectl");
		assertThat(merged.has("status")).isFalse();
		assertThat(fieldsOf(merged, "kubectl", "Apply").has("f:status")).isFalse();
	}

	@Test
	void reapplyingTheSameConfigurationChangesNothingAndKeepsTheTime() {
		JsonNode first = FieldManager.apply(null, yaml(DEPLOYMENT), "kubectl", false, Deployment.class, T0).merged();
		ApplyResult again = FieldManager.apply(first, yaml(DEPLOYMENT), "kubectl", false, Deployment.class, T2);
		assertThat(again.changed()).isFalse();
		assertThat(again.merged()).isEqualTo(first);
		assertThat(entryOf(again.merged(), "kubectl").get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
	}

	@Test
	void applyEntriesComeBeforeUpdateEntries() {
		JsonNode live = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		JsonNode merged = apply(live, DEPLOYMENT, "kubectl");
		assertThat(merged.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Apply");
		assertThat(merged.at("/metadata/managedFields/1/operation").asText()).isEqualTo("Update");
	}

	@Test
	void servicePortsAreKeyedByPortAndDefaultedProtocol() {
		JsonNode merged = FieldManager.apply(null, yaml("""
				apiVersion: v1
				kind: Service
				metadata: {name: web}
				spec:
				  selector: {app: web}
				  ports: [{port: 80, targetPort: 8080}]
				"""), "kubectl", false, Service.class, T0).merged();
		assertThat(fieldsOf(merged, "kubectl", "Apply")).isEqualTo(yaml("""
				f:spec:
				  f:selector: {}
				  f:ports:
				    k:{"port":80,"protocol":"TCP"}: {.: {}, f:port: {}, f:targetPort: {}}
				"""));
	}

	@Test
	void configMapDataKeysAreOwnedOneByOne() {
		JsonNode first = FieldManager.apply(null, yaml("""
				apiVersion: v1
				kind: ConfigMap
				metadata: {name: settings}
				data: {a: "1", b: "2"}
				"""), "kubectl", false, ConfigMap.class, T0).merged();
		JsonNode second = FieldManager.apply(first, yaml("""
				apiVersion: v1
				kind: ConfigMap
				metadata: {name: settings}
				data: {a: "1"}
				"""), "kubectl", false, ConfigMap.class, T1).merged();
		assertThat(second.get("data")).isEqualTo(yaml("{a: \"1\"}"));
		assertThat(fieldsOf(second, "kubectl", "Apply")).isEqualTo(yaml("{f:data: {f:a: {}}}"));
	}

	@Test
	void refusesAConfigurationWithManagedFields() {
		assertThatThrownBy(() -> apply(null,
				DEPLOYMENT.replace("labels: {app: web}}", "labels: {app: web}, managedFields: [{manager: x}]}"),
				"kubectl"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(400))
			.hasMessage("metadata.managedFields must be nil");
	}

	@Test
	void refusesAListItemWithoutItsKey() {
		assertThatThrownBy(() -> apply(null, DEPLOYMENT.replace("- name: web\n", "- \n"), "kubectl"))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(400))
			.hasMessage("failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
					+ ".spec.template.spec.containers: element 0: associative list with keys has an element "
					+ "that omits key field \"name\" (and doesn't have default value)");
	}

}
