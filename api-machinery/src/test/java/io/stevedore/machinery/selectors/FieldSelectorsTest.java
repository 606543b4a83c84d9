package io.stevedore.machinery.selectors;

import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FieldSelectorsTest {

	static final ObjectMapper MAPPER = new ObjectMapper();

	static ResourceType type(String group, String plural) {
		return ResourceRegistry.standard().find(group, "v1", plural).orElseThrow();
	}

	static JsonNode json(String text) throws Exception {
		return MAPPER.readTree(text.replace('\'', '"'));
	}

	static Stream<Arguments> supportedFields() {
		return Stream.of(
				arguments("", "pods",
						new String[] { "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
								"spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
								"status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host" }),
				arguments("", "nodes", new String[] { "metadata.name", "spec.unschedulable" }),
				arguments("", "namespaces", new String[] { "status.phase", "metadata.name" }),
				arguments("", "secrets", new String[] { "type", "metadata.namespace", "metadata.name" }),
				arguments("", "services",
						new String[] { "metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type" }),
				arguments("", "events",
						new String[] { "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
								"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
								"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
								"metadata.namespace", "metadata.name" }),
				arguments("events.k8s.io", "events",
						new String[] { "reason", "regarding.kind", "regarding.namespace", "regarding.name",
								"regarding.uid", "regarding.apiVersion", "regarding.resourceVersion",
								"regarding.fieldPath", "reportingController", "source", "type", "metadata.namespace",
								"metadata.name" }),
				arguments("batch", "jobs", new String[] { "metadata.name", "metadata.namespace", "status.successful" }),
				arguments("certificates.k8s.io", "certificatesigningrequests",
						new String[] { "metadata.name", "spec.signerName" }),
				arguments("apps", "replicasets", new String[] { "metadata.name", "metadata.namespace" }),
				arguments("", "configmaps", new String[] { "metadata.name", "metadata.namespace" }),
				arguments("rbac.authorization.k8s.io", "clusterroles",
						new String[] { "metadata.name", "metadata.namespace" }));
	}

	@ParameterizedTest(name = "{1}.{0}")
	@MethodSource("supportedFields")
	void eachResourceSupportsTheFieldsItsKubernetesConversionFunctionAccepts(String group, String plural,
			String[] fields) {
		ResourceType type = type(group, plural);
		assertThat(FieldSelectors.supported(type)).containsExactly(fields);
		for (String field : fields) {
			FieldSelectors.validate(type, FieldSelector.parse(field + "=x"));
		}
	}

	static Stream<Arguments> unsupportedFields() {
		return Stream.of(arguments("", "pods", "status.hostIP", "field label not supported: status.hostIP"),
				arguments("", "nodes", "metadata.namespace", "field label not supported: metadata.namespace"),
				arguments("", "events", "regarding.name", "field label not supported: regarding.name"),
				arguments("events.k8s.io", "events", "involvedObject.name",
						"field label not supported: involvedObject.name"),
				arguments("batch", "jobs", "status.active", "field label \"status.active\" not supported for Job"),
				arguments("certificates.k8s.io", "certificatesigningrequests", "spec.username",
						"field label not supported: spec.username"),
				arguments("apps", "replicasets", "status.replicas",
						"\"status.replicas\" is not a known field selector: only \"metadata.name\", "
								+ "\"metadata.namespace\""),
				arguments("", "configmaps", "data.key",
						"\"data.key\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""));
	}

	@ParameterizedTest(name = "{2} on {1}: {3}")
	@MethodSource("unsupportedFields")
	void anUnsupportedFieldFailsWithTheMessageOfItsResourceInKubernetes(String group, String plural, String field,
			String message) {
		ResourceType type = type(group, plural);
		FieldSelector selector = FieldSelector.parse("metadata.name=a," + field + "=x");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldSelectors.validate(type, selector))
			.withMessage(message);
		assertThatIllegalArgumentException().isThrownBy(() -> FieldSelectors.convert(type, selector))
			.withMessage(message);
	}

	@Test
	void conversionMapsAliasesToTheFieldsTheySelectOn() {
		assertThat(FieldSelectors.convert(type("", "pods"), FieldSelector.parse("spec.host=n1")))
			.hasToString("spec.nodeName=n1");
		assertThat(FieldSelectors.convert(type("events.k8s.io", "events"),
				FieldSelector.parse("regarding.name=web,reportingController!=kubelet")))
			.hasToString("involvedObject.name=web,reportingComponent!=kubelet");
		FieldSelector everything = FieldSelector.everything();
		assertThat(FieldSelectors.convert(type("", "configmaps"), everything)).isSameAs(everything);
	}

	@Test
	void aPodsFieldsAreThoseOfItsRegistryWithKubernetesDefaults() throws Exception {
		JsonNode pod = json("{'metadata':{'name':'web-1','namespace':'shop'},'spec':{'nodeName':'node-1',"
				+ "'restartPolicy':'Always','schedulerName':'default-scheduler','serviceAccountName':'default',"
				+ "'hostNetwork':true},'status':{'phase':'Running','podIPs':[{'ip':'10.0.0.7'}],"
				+ "'nominatedNodeName':null}}");
		assertThat(FieldSelectors.fields(type("", "pods"), pod)).containsOnly(entry("metadata.name", "web-1"),
				entry("metadata.namespace", "shop"), entry("spec.nodeName", "node-1"),
				entry("spec.restartPolicy", "Always"), entry("spec.schedulerName", "default-scheduler"),
				entry("spec.serviceAccountName", "default"), entry("spec.hostNetwork", "true"),
				entry("status.phase", "Running"), entry("status.podIP", "10.0.0.7"),
				entry("status.nominatedNodeName", ""));
		Map<String, String> bare = FieldSelectors.fields(type("", "pods"), json("{'metadata':{'name':'p'}}"));
		assertThat(bare).containsEntry("spec.hostNetwork", "false")
			.containsEntry("status.podIP", "")
			.containsEntry("spec.nodeName", "")
			.containsEntry("metadata.namespace", "");
		assertThat(FieldSelectors.fields(type("", "pods"),
				json("{'status':{'podIP':'10.0.0.9','podIPs':[{'ip':'10.0.0.7'}]}}")))
			.as("podIP wins over podIPs, as in the v1 to internal conversion")
			.containsEntry("status.podIP", "10.0.0.9");
	}

	static Stream<Arguments> resourceFields() {
		return Stream.of(
				arguments("", "nodes", "{'metadata':{'name':'n1'},'spec':{'unschedulable':true}}",
						Map.of("metadata.name", "n1", "spec.unschedulable", "true")),
				arguments("", "nodes", "{'metadata':{'name':'n1'}}",
						Map.of("metadata.name", "n1", "spec.unschedulable", "false")),
				arguments("", "namespaces", "{'metadata':{'name':'shop'},'status':{'phase':'Terminating'}}",
						Map.of("metadata.name", "shop", "status.phase", "Terminating")),
				arguments("", "secrets", "{'metadata':{'name':'s','namespace':'n'},'type':'kubernetes.io/tls'}",
						Map.of("metadata.name", "s", "metadata.namespace", "n", "type", "kubernetes.io/tls")),
				arguments("", "services",
						"{'metadata':{'name':'s','namespace':'n'},'spec':{'clusterIP':'10.96.0.10','type':'ClusterIP'}}",
						Map.of("metadata.name", "s", "metadata.namespace", "n", "spec.clusterIP", "10.96.0.10",
								"spec.type", "ClusterIP")),
				arguments("batch", "jobs", "{'metadata':{'name':'j','namespace':'n'},'status':{'succeeded':3}}",
						Map.of("metadata.name", "j", "metadata.namespace", "n", "status.successful", "3")),
				arguments("batch", "jobs", "{'metadata':{'name':'j','namespace':'n'}}",
						Map.of("metadata.name", "j", "metadata.namespace", "n", "status.successful", "0")),
				arguments("", "configmaps", "{'metadata':{'name':'c','namespace':'n'},'data':{'k':'v'}}",
						Map.of("metadata.name", "c", "metadata.namespace", "n")),
				arguments("rbac.authorization.k8s.io", "clusterroles", "{'metadata':{'name':'admin'}}",
						Map.of("metadata.name", "admin")),
				arguments("certificates.k8s.io", "certificatesigningrequests",
						"{'metadata':{'name':'c'},'spec':{'signerName':'kubernetes.io/kubelet-serving'}}",
						Map.of("metadata.name", "c", "spec.signerName", "kubernetes.io/kubelet-serving")));
	}

	@ParameterizedTest(name = "{1}.{0}: {2}")
	@MethodSource("resourceFields")
	void eachResourceExposesItsSelectableFields(String group, String plural, String object,
			Map<String, String> expected) throws Exception {
		assertThat(FieldSelectors.fields(type(group, plural), json(object)))
			.containsExactlyInAnyOrderEntriesOf(expected);
	}

	@Test
	void aCoreEventWithoutSourceIsSelectableByItsReportingComponentAsSource() throws Exception {
		JsonNode event = json("{'metadata':{'name':'e','namespace':'shop'},'involvedObject':{'kind':'Pod',"
				+ "'namespace':'shop','name':'web-1','uid':'u1','apiVersion':'v1','resourceVersion':'7',"
				+ "'fieldPath':'spec.containers{web}'},'reason':'Started','type':'Normal',"
				+ "'reportingComponent':'kubelet'}");
		assertThat(FieldSelectors.fields(type("", "events"), event)).containsOnly(entry("metadata.name", "e"),
				entry("metadata.namespace", "shop"), entry("involvedObject.kind", "Pod"),
				entry("involvedObject.namespace", "shop"), entry("involvedObject.name", "web-1"),
				entry("involvedObject.uid", "u1"), entry("involvedObject.apiVersion", "v1"),
				entry("involvedObject.resourceVersion", "7"), entry("involvedObject.fieldPath", "spec.containers{web}"),
				entry("reason", "Started"), entry("reportingComponent", "kubelet"), entry("source", "kubelet"),
				entry("type", "Normal"));
		JsonNode withSource = json("{'source':{'component':'scheduler'},'reportingComponent':'kubelet'}");
		assertThat(FieldSelectors.fields(type("", "events"), withSource)).containsEntry("source", "scheduler");
	}

	@Test
	void anEventsK8sIoEventIsSelectedThroughTheCoreFieldNames() throws Exception {
		ResourceType events = type("events.k8s.io", "events");
		JsonNode event = json("{'metadata':{'name':'e','namespace':'shop'},'regarding':{'kind':'Pod','name':'web-1'},"
				+ "'reason':'Started','type':'Normal','reportingController':'kubelet',"
				+ "'deprecatedSource':{'component':'old'}}");
		Map<String, String> fields = FieldSelectors.fields(events, event);
		assertThat(fields).containsEntry("involvedObject.kind", "Pod")
			.containsEntry("involvedObject.name", "web-1")
			.containsEntry("involvedObject.uid", "")
			.containsEntry("reportingComponent", "kubelet")
			.containsEntry("source", "old");
		FieldSelector selector = FieldSelectors.convert(events,
				FieldSelector.parse("regarding.name=web-1,type=Normal"));
		assertThat(selector.matches(fields)).isTrue();
	}

	@Test
	void aListRequestParsesConvertsThenMatchesEachObject() throws Exception {
		ResourceType pods = type("", "pods");
		FieldSelector selector = FieldSelectors.convert(pods,
				FieldSelector.parse("spec.host=node-1,status.phase!=Succeeded"));
		Map<String, String> running = FieldSelectors.fields(pods,
				json("{'metadata':{'name':'a'},'spec':{'nodeName':'node-1'},'status':{'phase':'Running'}}"));
		Map<String, String> elsewhere = FieldSelectors.fields(pods,
				json("{'metadata':{'name':'b'},'spec':{'nodeName':'node-2'},'status':{'phase':'Running'}}"));
		Map<String, String> done = FieldSelectors.fields(pods,
				json("{'metadata':{'name':'c'},'spec':{'nodeName':'node-1'},'status':{'phase':'Succeeded'}}"));
		assertThat(selector.matches(running)).isTrue();
		assertThat(selector.matches(elsewhere)).isFalse();
		assertThat(selector.matches(done)).isFalse();
	}

	@Test
	void theFieldsOfAnObjectCannotBeModified() throws Exception {
		Map<String, String> fields = FieldSelectors.fields(type("", "configmaps"), json("{'metadata':{'name':'c'}}"));
		assertThatThrownBy(() -> fields.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
	}

}
