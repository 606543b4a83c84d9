package io.stevedore.machinery.apply;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static io.stevedore.machinery.apply.Fixtures.DEPLOYMENT;
import static io.stevedore.machinery.apply.Fixtures.entryOf;
import static io.stevedore.machinery.apply.Fixtures.fieldsOf;
import static io.stevedore.machinery.apply.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class FieldManagerUpdateTest {

	private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

	private static final Instant T1 = T0.plusSeconds(60);

	@Test
	void aCreateRecordsEveryFieldTheCreatorSetWithKubernetesFieldsV1() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);

		JsonNode entry = entryOf(created, "kubectl-create");
		assertThat(entry).isEqualTo(yaml("""
				manager: kubectl-create
				operation: Update
				apiVersion: apps/v1
				time: "2026-01-02T03:04:05Z"
				fieldsType: FieldsV1
				fieldsV1:
				  f:metadata:
				    f:labels: {.: {}, f:app: {}}
				  f:spec:
				    f:replicas: {}
				    f:selector: {}
				    f:template:
				      f:metadata:
				        f:labels: {.: {}, f:app: {}}
				      f:spec:
				        f:containers:
				          .: {}
				          k:{"name":"web"}:
				            .: {}
				            f:image: {}
				            f:name: {}
				            f:ports:
				              .: {}
				              k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}}
				"""));
	}

	@Test
	void anEntryTheUpdateDoesNotTouchKeepsItsFieldsButTopLevelEmptyNodesOfASentFieldsV1() {
		ObjectNode live = (ObjectNode) FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class,
				T0);
		// A client's FieldsV1 with values that are no objects, read as empty nodes: the
		// difference with what the update changed drops those at the top level only.
		ObjectNode sent = (ObjectNode) entryOf(live, "kubectl-create").get("fieldsV1");
		sent.putArray("f:top").add(1);
		((ObjectNode) sent.get("f:metadata")).putArray("f:nested").add(1);
		ObjectNode paused = live.deepCopy();
		((ObjectNode) paused.get("spec")).put("paused", true);

		JsonNode updated = FieldManager.update(live, paused, "pauser", Deployment.class, T1);

		JsonNode creator = fieldsOf(updated, "kubectl-create", "Update");
		assertThat(creator.has("f:top")).isFalse();
		assertThat(creator.get("f:metadata").get("f:nested")).isEqualTo(yaml("{}"));
		assertThat(creator.get("f:spec")).isEqualTo(fieldsOf(live, "kubectl-create", "Update").get("f:spec"));
		assertThat(fieldsOf(updated, "pauser", "Update")).isEqualTo(yaml("f:spec: {f:paused: {}}"));
	}

	@Test
	void anUpdateTakesTheFieldsItChangesFromTheirOwnerAndDropsEmptiedEntries() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ObjectNode scaled = created.deepCopy();
		((ObjectNode) scaled.get("spec")).put("replicas", 5);

		JsonNode result = FieldManager.update(created, scaled, "kube-controller-manager", Deployment.class, T1);

		assertThat(fieldsOf(result, "kube-controller-manager", "Update")).isEqualTo(yaml("{f:spec: {f:replicas: {}}}"));
		assertThat(fieldsOf(result, "kubectl-create", "Update").at("/f:spec").has("f:replicas")).isFalse();
		assertThat(entryOf(result, "kubectl-create").get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");

		ObjectNode scaledAgain = result.deepCopy();
		((ObjectNode) scaledAgain.get("spec")).put("replicas", 7);
		scaledAgain.withObject("/metadata").remove("managedFields");
		JsonNode second = FieldManager.update(result, scaledAgain, "hpa", Deployment.class, T1);
		assertThat(entryOf(second, "kube-controller-manager")).as("an entry left with no fields is dropped").isNull();
	}

	@Test
	void anUpdateThatChangesNothingKeepsTheManagersTime() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		JsonNode again = FieldManager.update(created, created, "kubectl-create", Deployment.class, T1);
		assertThat(entryOf(again, "kubectl-create").get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
		assertThat(again).isEqualTo(created);
	}

	@Test
	void removingAFieldRemovesItFromItsOwner() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ObjectNode edited = created.deepCopy();
		edited.withObject("/metadata").remove("labels");
		JsonNode result = FieldManager.update(created, edited, "kubectl-edit", Deployment.class, T1);
		assertThat(fieldsOf(result, "kubectl-create", "Update").at("/f:metadata").isMissingNode()).isTrue();
		assertThat(entryOf(result, "kubectl-edit")).as("removing is not owning").isNull();
	}

	@Test
	void statusWrittenThroughTheStatusSubresourceIsOwnedThereAndNotOnTheMainResource() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ObjectNode withStatus = created.deepCopy();
		withStatus.putObject("status").put("replicas", 3).put("readyReplicas", 3);

		JsonNode viaMain = FieldManager.update(created, withStatus, "sneaky", Deployment.class, T1);
		assertThat(entryOf(viaMain, "sneaky")).isNull();

		JsonNode viaStatus = FieldManager.update(created, withStatus, "kube-controller-manager", "status",
				Deployment.class, T1);
		JsonNode entry = entryOf(viaStatus, "kube-controller-manager");
		assertThat(entry.get("subresource").asText()).isEqualTo("status");
		assertThat(entry.get("fieldsV1")).isEqualTo(yaml("{f:status: {f:readyReplicas: {}, f:replicas: {}}}"));
	}

	@Test
	void managedFieldsSentByTheClientReplaceTheStoredOnesAndASingleEmptyEntryClearsThem() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ObjectNode reset = created.deepCopy();
		reset.withObject("/metadata").putArray("managedFields").addObject();
		JsonNode cleared = FieldManager.update(created, reset, "kubectl", Deployment.class, T1);
		assertThat(cleared.at("/metadata/managedFields").isMissingNode()).isTrue();

		ObjectNode edited = created.deepCopy();
		((ObjectNode) edited.at("/metadata/managedFields/0")).put("manager", "renamed");
		JsonNode kept = FieldManager.update(created, edited, "kubectl", Deployment.class, T1);
		assertThat(entryOf(kept, "renamed")).isNotNull();
		assertThat(entryOf(kept, "kubectl-create")).isNull();
	}

	@Test
	void finalizersAreOwnedOneByOneAsASet() {
		JsonNode live = yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, finalizers: [a/x]}}");
		JsonNode updated = yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, finalizers: [a/x, b/y]}}");
		JsonNode result = FieldManager.update(live, updated, "controller",
				io.fabric8.kubernetes.api.model.ConfigMap.class, T0);
		assertThat(fieldsOf(result, "controller", "Update"))
			.isEqualTo(yaml("{f:metadata: {f:finalizers: {v:\"b/y\": {}}}}"));
	}

	@Test
	void takingTheTreesGivesWhatUpdateGivesEvenWhenLiveAndUpdatedAreOneTree() {
		JsonNode created = FieldManager.update(null, yaml(DEPLOYMENT), "kubectl-create", Deployment.class, T0);
		ObjectNode scaled = created.deepCopy();
		((ObjectNode) scaled.get("spec")).put("replicas", 5);

		JsonNode expected = FieldManager.update(created, scaled, "scaler", "", Deployment.class, T1);
		JsonNode taken = FieldManager.updateTaking(created.deepCopy(), scaled.deepCopy(), "scaler", "",
				Deployment.class, T1);
		assertThat(taken).isEqualTo(expected);
		assertThat(fieldsOf(taken, "scaler", "Update")).isEqualTo(yaml("f:spec: {f:replicas: {}}"));

		// One tree as both: nothing changed, so the manager gets no entry and the
		// creator keeps its fields, as update() of two equal trees says.
		ObjectNode one = scaled.deepCopy();
		JsonNode same = FieldManager.updateTaking(one, one, "binder", "", Deployment.class, T1);
		assertThat(same).isEqualTo(FieldManager.update(scaled, scaled.deepCopy(), "binder", "", Deployment.class, T1));
		assertThat(fieldsOf(same, "binder", "Update")).isNull();
		assertThat(fieldsOf(same, "kubectl-create", "Update")).isEqualTo(fieldsOf(created, "kubectl-create", "Update"));
	}

}
