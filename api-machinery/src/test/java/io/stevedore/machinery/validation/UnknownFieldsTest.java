package io.stevedore.machinery.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static <T> T decode(String json, Class<T> type) throws Exception {
		return JSON.readValue(json.replace('\'', '"'), type);
	}

	@Test
	void findsTyposAtEveryDepthWithKubernetesPaths() throws Exception {
		Deployment d = decode(
				"""
						{'apiVersion':'apps/v1','kind':'Deployment','colour':'blue',
						 'metadata':{'name':'web','labelz':{'a':'b'}},
						 'spec':{'replcas':3,'selector':{'matchLabels':{'app':'web'}},
						  'template':{'metadata':{'labels':{'app':'web'}},
						   'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','imagee':'y','ports':[{'containerPort':80,'hostport':8080}]}]}}}}
						""",
				Deployment.class);
		assertThat(UnknownFields.collectAndStrip(d)).containsExactlyInAnyOrder("colour", "metadata.labelz",
				"spec.replcas", "spec.template.spec.containers[1].imagee",
				"spec.template.spec.containers[1].ports[0].hostport");
	}

	@Test
	void stripsWhatItReports() throws Exception {
		Pod p = decode(
				"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'a'},'spec':{'containers':[{'name':'a','image':'x','imagee':'y'}]}}",
				Pod.class);
		UnknownFields.collectAndStrip(p);
		assertThat(p.getSpec().getContainers().get(0).getAdditionalProperties()).isEmpty();
		assertThat(UnknownFields.collectAndStrip(p)).isEmpty();
		assertThat(JSON.writeValueAsString(p)).doesNotContain("imagee");
	}

	@Test
	void aKnownManifestHasNoUnknownFields() {
		Pod p = Manifests.load(Manifests.POD, Pod.class);
		assertThat(UnknownFields.collectAndStrip(p)).isEmpty();
	}

	@Test
	void leavesFreeFormValuesAlone() throws Exception {
		Pod p = decode(
				"""
						{'apiVersion':'v1','kind':'Pod','metadata':{'name':'a','managedFields':[{'manager':'kubectl','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:containers':{}}}}]},
						 'spec':{'containers':[{'name':'a','image':'x','resources':{'limits':{'cpu':'1'}},'ports':[{'containerPort':80}],
						  'readinessProbe':{'httpGet':{'port':'http'}}}]}}
						""",
				Pod.class);
		assertThat(UnknownFields.collectAndStrip(p)).isEmpty();
		assertThat(p.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties()).isNotEmpty();
	}

	@Test
	void printsKubernetesMessage() {
		assertThat(UnknownFields.message("spec.replcas")).isEqualTo("unknown field \"spec.replcas\"");
	}

}
