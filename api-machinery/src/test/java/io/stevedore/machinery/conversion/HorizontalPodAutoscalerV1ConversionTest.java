package io.stevedore.machinery.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HorizontalPodAutoscalerV1ConversionTest {

	final ObjectMapper mapper = new ObjectMapper();

	final HorizontalPodAutoscalerV1Conversion conversion = new HorizontalPodAutoscalerV1Conversion(
			ResourceRegistry.standard());

	ObjectNode json(String text) throws Exception {
		return (ObjectNode) this.mapper.readTree(text.replace('\'', '"'));
	}

	JsonNode annotation(JsonNode object, String key) throws Exception {
		return this.mapper.readTree(object.at("/metadata/annotations").get(key).asText());
	}

	/** What kubectl autoscale --cpu-percent=50 --min=1 --max=5 sends. */
	static final String KUBECTL_AUTOSCALE = """
			{'kind':'HorizontalPodAutoscaler','apiVersion':'autoscaling/v1',
			 'metadata':{'name':'web','namespace':'default','creationTimestamp':null},
			 'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web','apiVersion':'apps/v1'},
			         'minReplicas':1,'maxReplicas':5,'targetCPUUtilizationPercentage':50},
			 'status':{'currentReplicas':0,'desiredReplicas':0}}""";

	/** A v2 object with every field v1 has no place for. */
	static final String FULL_V2 = """
			{'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler',
			 'metadata':{'name':'web','namespace':'default','annotations':{'team':'a'}},
			 'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},
			   'minReplicas':2,'maxReplicas':9,
			   'metrics':[
			     {'type':'Pods','pods':{'metric':{'name':'qps','selector':{'matchLabels':{'a':'b'}}},
			                            'target':{'type':'AverageValue','averageValue':'1k'}}},
			     {'type':'Object','object':{'describedObject':{'apiVersion':'networking.k8s.io/v1','kind':'Ingress','name':'main'},
			                                'metric':{'name':'rps'},'target':{'type':'Value','value':'10'}}},
			     {'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'100Mi'}}},
			     {'type':'ContainerResource','containerResource':{'name':'cpu','container':'app',
			                                'target':{'type':'Utilization','averageUtilization':70}}},
			     {'type':'External','external':{'metric':{'name':'queue'},'target':{'type':'AverageValue','averageValue':'30'}}},
			     {'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':60}}}],
			   'behavior':{'scaleUp':{'stabilizationWindowSeconds':0,'selectPolicy':'Max',
			                          'policies':[{'type':'Pods','value':4,'periodSeconds':15}]},
			               'scaleDown':{'stabilizationWindowSeconds':5,'selectPolicy':'Min',
			                          'policies':[{'type':'Percent','value':100,'periodSeconds':15}]}}},
			 'status':{'observedGeneration':3,'lastScaleTime':'2026-01-01T00:00:00Z','currentReplicas':2,'desiredReplicas':3,
			   'currentMetrics':[
			     {'type':'Resource','resource':{'name':'cpu','current':{'averageValue':'120m','averageUtilization':61}}},
			     {'type':'Pods','pods':{'metric':{'name':'qps'},'current':{'averageValue':'900'}}}],
			   'conditions':[{'type':'AbleToScale','status':'True','lastTransitionTime':'2026-01-01T00:00:00Z',
			                  'reason':'ReadyForNewScale','message':'recommended size matches current size'}]}}""";

	@Test
	void aV1TargetCpuPercentageBecomesAResourceCpuUtilizationMetric() throws Exception {
		ObjectNode v2 = this.conversion.toStorage(json(KUBECTL_AUTOSCALE));

		assertThat(v2.get("apiVersion").asText()).isEqualTo("autoscaling/v2");
		assertThat(v2.at("/spec/metrics")).isEqualTo(json(
				"{'a':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}}]}")
			.get("a"));
		assertThat(v2.at("/spec/scaleTargetRef/name").asText()).isEqualTo("web");
		assertThat(v2.at("/spec/minReplicas").asInt()).isEqualTo(1);
		assertThat(v2.at("/spec/maxReplicas").asInt()).isEqualTo(5);
		assertThat(v2.at("/spec").has("targetCPUUtilizationPercentage")).isFalse();
		assertThat(v2.at("/metadata").has("annotations")).isFalse();
	}

	@Test
	void aV1ObjectWithoutTargetGetsTheImplicitEightyPercentCpuTarget() throws Exception {
		ObjectNode v1 = json("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':{'name':'a'},"
				+ "'spec':{'scaleTargetRef':{'kind':'Deployment','name':'a'},'maxReplicas':3}}");

		ObjectNode v2 = this.conversion.toStorage(v1);

		assertThat(v2.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(80);
		assertThat(v2.at("/spec/metrics").size()).isEqualTo(1);
	}

	@Test
	void aStoredObjectShowsItsCpuTargetAndCurrentUtilizationInV1Fields() throws Exception {
		ObjectNode v1 = this.conversion.toServed(json(FULL_V2));

		assertThat(v1.get("apiVersion").asText()).isEqualTo("autoscaling/v1");
		assertThat(v1.at("/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
		assertThat(v1.at("/status/currentCPUUtilizationPercentage").asInt()).isEqualTo(61);
		assertThat(v1.at("/status/currentReplicas").asInt()).isEqualTo(2);
		assertThat(v1.at("/status/desiredReplicas").asInt()).isEqualTo(3);
		assertThat(v1.at("/status/observedGeneration").asInt()).isEqualTo(3);
		assertThat(v1.at("/spec").has("metrics")).isFalse();
		assertThat(v1.at("/spec").has("behavior")).isFalse();
		assertThat(v1.at("/metadata/annotations/team").asText()).isEqualTo("a");
	}

	@Test
	void theMetricsV1CannotHoldAreKeptInTheAnnotationInTheV1MetricShape() throws Exception {
		ObjectNode v1 = this.conversion.toServed(json(FULL_V2));

		JsonNode metrics = annotation(v1, HorizontalPodAutoscalerV1Conversion.METRICS_ANNOTATION);
		assertThat(metrics.size()).isEqualTo(5);
		assertThat(metrics.get(0).toString()).isEqualTo(
				"{\"type\":\"Pods\",\"pods\":{\"metricName\":\"qps\",\"targetAverageValue\":\"1k\",\"selector\":{\"matchLabels\":{\"a\":\"b\"}}}}");
		assertThat(metrics.get(1).toString())
			.isEqualTo("{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Ingress\","
					+ "\"name\":\"main\",\"apiVersion\":\"networking.k8s.io/v1\"},\"metricName\":\"rps\",\"targetValue\":\"10\"}}");
		assertThat(metrics.get(2).toString())
			.isEqualTo("{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"100Mi\"}}");
		JsonNode current = annotation(v1, HorizontalPodAutoscalerV1Conversion.CURRENT_METRICS_ANNOTATION);
		assertThat(current.get(0).toString()).isEqualTo(
				"{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":61,\"currentAverageValue\":\"120m\"}}");
		JsonNode conditions = annotation(v1, HorizontalPodAutoscalerV1Conversion.CONDITIONS_ANNOTATION);
		assertThat(conditions.get(0).get("reason").asText()).isEqualTo("ReadyForNewScale");
	}

	@Test
	void theBehaviorAnnotationUsesGoFieldNamesAsKubernetesWritesIt() throws Exception {
		ObjectNode v1 = this.conversion.toServed(json(FULL_V2));

		JsonNode behavior = annotation(v1, HorizontalPodAutoscalerV1Conversion.BEHAVIOR_ANNOTATION);
		assertThat(behavior.toString())
			.isEqualTo("{\"ScaleUp\":{\"StabilizationWindowSeconds\":0,\"SelectPolicy\":\"Max\","
					+ "\"Policies\":[{\"Type\":\"Pods\",\"Value\":4,\"PeriodSeconds\":15}]},"
					+ "\"ScaleDown\":{\"StabilizationWindowSeconds\":5,\"SelectPolicy\":\"Min\","
					+ "\"Policies\":[{\"Type\":\"Percent\",\"Value\":100,\"PeriodSeconds\":15}]}}");
	}

	@Test
	void aRoundTripThroughV1KeepsEveryV2Field() throws Exception {
		ObjectNode original = json(FULL_V2);

		ObjectNode back = this.conversion.toStorage(this.conversion.toServed(original));

		assertThat(back).isEqualTo(original);
	}

	@Test
	void aV1ClientChangingTheCpuTargetKeepsTheOtherMetrics() throws Exception {
		ObjectNode v1 = this.conversion.toServed(json(FULL_V2));
		((ObjectNode) v1.get("spec")).put("targetCPUUtilizationPercentage", 40);

		ObjectNode v2 = this.conversion.toStorage(v1);

		assertThat(v2.at("/spec/metrics").size()).isEqualTo(6);
		assertThat(v2.at("/spec/metrics/5/resource/target/averageUtilization").asInt()).isEqualTo(40);
		assertThat(v2.at("/spec/metrics/0/pods/metric/name").asText()).isEqualTo("qps");
	}

	@Test
	void theBehaviorAnnotationIsReadIgnoringTheCaseOfItsKeys() throws Exception {
		ObjectNode v1 = json(KUBECTL_AUTOSCALE);
		((ObjectNode) v1.get("metadata")).putObject("annotations")
			.put(HorizontalPodAutoscalerV1Conversion.BEHAVIOR_ANNOTATION,
					"{\"scaledown\":{\"stabilizationwindowseconds\":30,\"Policies\":null},\"ScaleUp\":null}");

		ObjectNode v2 = this.conversion.toStorage(v1);

		assertThat(v2.at("/spec/behavior").toString()).isEqualTo("{\"scaleDown\":{\"stabilizationWindowSeconds\":30}}");
		assertThat(v2.at("/metadata").has("annotations")).isFalse();
	}

	@Test
	void aBehaviorAnnotationThatIsNotJsonIsDroppedAsKubernetesDrops() throws Exception {
		ObjectNode v1 = json(KUBECTL_AUTOSCALE);
		((ObjectNode) v1.get("metadata")).putObject("annotations")
			.put(HorizontalPodAutoscalerV1Conversion.BEHAVIOR_ANNOTATION, "not json");

		ObjectNode v2 = this.conversion.toStorage(v1);

		assertThat(v2.at("/spec").has("behavior")).isFalse();
	}

	@Test
	void aMetricsAnnotationThatIsNotAListFailsTheRequest() throws Exception {
		ObjectNode v1 = json(KUBECTL_AUTOSCALE);
		((ObjectNode) v1.get("metadata")).putObject("annotations")
			.put(HorizontalPodAutoscalerV1Conversion.METRICS_ANNOTATION, "{}");

		assertThatThrownBy(() -> this.conversion.toStorage(v1)).isInstanceOf(ApiException.class)
			.hasMessageContaining(HorizontalPodAutoscalerV1Conversion.METRICS_ANNOTATION);
	}

	@Test
	void roundTripAnnotationsAStoredObjectCarriesAreNotShownTwice() throws Exception {
		ObjectNode v2 = this.conversion.toStorage(json(KUBECTL_AUTOSCALE));
		((ObjectNode) v2.get("metadata")).putObject("annotations")
			.put(HorizontalPodAutoscalerV1Conversion.CONDITIONS_ANNOTATION, "[]");

		ObjectNode v1 = this.conversion.toServed(v2);

		assertThat(v1.at("/metadata").has("annotations")).isFalse();
	}

	@Test
	void aBodyOfAnotherApiVersionKeepsItForTheDecoderToRefuse() throws Exception {
		ObjectNode body = json(KUBECTL_AUTOSCALE.replace("autoscaling/v1", "apps/v1"));

		assertThat(this.conversion.toStorage(body).get("apiVersion").asText()).isEqualTo("apps/v1");
	}

	@Test
	void unknownSpecFieldsPassThroughSoStrictDecodingStillReportsThem() throws Exception {
		ObjectNode body = json(KUBECTL_AUTOSCALE);
		((ObjectNode) body.get("spec")).put("replicas", 3);

		assertThat(this.conversion.toStorage(body).at("/spec/replicas").asInt()).isEqualTo(3);
	}

}
