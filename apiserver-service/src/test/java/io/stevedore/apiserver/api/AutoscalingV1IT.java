package io.stevedore.apiserver.api;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * autoscaling/v1 HorizontalPodAutoscalers, stored once as v2, driven by the real kubectl
 * (v1.32's {@code kubectl autoscale} posts v1) and over HTTP.
 */
class AutoscalingV1IT extends EmbeddedApiServer {

	private static final String V1 = "/apis/autoscaling/v1/namespaces/";

	private static final String V2 = "/apis/autoscaling/v2/namespaces/";

	@TempDir
	Path dir;

	HttpApi api;

	Kubectl kubectl;

	String ns;

	@BeforeEach
	void namespace() throws Exception {
		this.api = api();
		this.kubectl = Kubectl.forKubeconfig(
				Kubeconfig.write(this.dir.resolve("kubeconfig"), this.api.uri("").toString()),
				this.dir.resolve("home"));
		this.ns = "t" + Long.toHexString(System.nanoTime());
		this.kubectl.run("create", "namespace", this.ns).requireSuccess();
		this.kubectl.run("-n", this.ns, "create", "deployment", "web", "--image=busybox").requireSuccess();
	}

	@Test
	void kubectlAutoscaleCreatesAnHpaThatKubectlShowsInBothVersionsAndDeletes() {
		this.kubectl.run("-n", this.ns, "autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5")
			.requireSuccess();

		KubectlResult table = this.kubectl.run("-n", this.ns, "get", "hpa").requireSuccess();
		assertThat(table.stdout())
			.containsPattern("NAME\\s+REFERENCE\\s+TARGETS\\s+MINPODS\\s+MAXPODS\\s+REPLICAS\\s+AGE")
			.containsPattern("web\\s+Deployment/web\\s+cpu: <unknown>/50%\\s+1\\s+5\\s+0\\s+");
		assertThat(this.kubectl.run("-n", this.ns, "get", "hpa.v2.autoscaling", "web", "-o", "yaml")
			.requireSuccess()
			.stdout()).contains("apiVersion: autoscaling/v2")
			.contains("averageUtilization: 50")
			.contains("type: Utilization")
			.doesNotContain("targetCPUUtilizationPercentage");
		// The long name: kubectl expands a short name (hpa.v1.autoscaling) to its group
		// only and asks for the preferred version, v2, as it does against Kubernetes.
		assertThat(this.kubectl
			.run("-n", this.ns, "get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
					"jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.minReplicas}")
			.requireSuccess()
			.stdout()).isEqualTo("autoscaling/v1 50 1");

		this.kubectl.run("-n", this.ns, "delete", "hpa", "web").requireSuccess();

		assertThat(this.kubectl.run("-n", this.ns, "get", "hpa", "web").requireFailure().stderr()).contains("NotFound");
	}

	@Test
	void listAndGetOfV1AnswerV1ObjectsOfTheOneStoredObject() {
		createV2WithPodsMetric();

		JsonNode list = this.api.get(V1 + this.ns + "/horizontalpodautoscalers").json();
		assertThat(list.get("kind").asText()).isEqualTo("HorizontalPodAutoscalerList");
		assertThat(list.get("apiVersion").asText()).isEqualTo("autoscaling/v1");
		JsonNode item = list.at("/items/0");
		assertThat(item.get("apiVersion").asText()).isEqualTo("autoscaling/v1");
		assertThat(item.at("/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(70);
		assertThat(item.at("/metadata/annotations/autoscaling.alpha.kubernetes.io~1metrics").asText())
			.contains("\"metricName\":\"qps\"");
		JsonNode v2 = this.api.get(V2 + this.ns + "/horizontalpodautoscalers/web").json();
		assertThat(v2.at("/metadata/resourceVersion").asText())
			.isEqualTo(item.at("/metadata/resourceVersion").asText());
		assertThat(v2.at("/metadata").has("annotations")).isFalse();
	}

	@Test
	void aV1MergePatchChangesTheCpuTargetAndKeepsTheMetricsV1CannotHold() {
		createV2WithPodsMetric();

		HttpApi.Answer patched = this.api.patch(V1 + this.ns + "/horizontalpodautoscalers/web",
				"application/merge-patch+json", "{\"spec\":{\"targetCPUUtilizationPercentage\":40}}");

		assertThat(patched.code()).as(patched.body()).isEqualTo(200);
		assertThat(patched.json().get("apiVersion").asText()).isEqualTo("autoscaling/v1");
		JsonNode metrics = this.api.get(V2 + this.ns + "/horizontalpodautoscalers/web").json().at("/spec/metrics");
		assertThat(metrics.size()).isEqualTo(2);
		assertThat(metrics.at("/0/pods/metric/name").asText()).isEqualTo("qps");
		assertThat(metrics.at("/1/resource/target/averageUtilization").asInt()).isEqualTo(40);
	}

	@Test
	void aV1WatchSendsV1Objects() {
		createV2WithPodsMetric();

		HttpApi.Answer watch = this.api
			.get(V1 + this.ns + "/horizontalpodautoscalers?watch=true&resourceVersion=0&timeoutSeconds=1");

		assertThat(watch.body()).contains("\"type\":\"ADDED\"")
			.contains("\"apiVersion\":\"autoscaling/v1\"")
			.contains("\"targetCPUUtilizationPercentage\":70")
			.doesNotContain("\"apiVersion\":\"autoscaling/v2\",\"kind\"")
			.doesNotContain("\"metrics\":[");
	}

	@Test
	void minReplicasAboveMaxReplicasIsInvalidAndNothingIsStored() {
		HttpApi.Answer answer = this.api.post(V1 + this.ns + "/horizontalpodautoscalers",
				v1Body("bad", "\"minReplicas\":4,\"maxReplicas\":2,\"targetCPUUtilizationPercentage\":50"));

		assertThat(answer.code()).as(answer.body()).isEqualTo(422);
		assertThat(answer.json().get("reason").asText()).isEqualTo("Invalid");
		assertThat(answer.json().at("/details/causes/0/field").asText()).isEqualTo("spec.maxReplicas");
		assertThat(this.api.get(V2 + this.ns + "/horizontalpodautoscalers").json().get("items")).isEmpty();
	}

	@Test
	void aCpuTargetBelowOnePercentIsInvalidAndNothingIsStored() {
		HttpApi.Answer answer = this.api.post(V1 + this.ns + "/horizontalpodautoscalers",
				v1Body("bad", "\"maxReplicas\":2,\"targetCPUUtilizationPercentage\":0"));

		assertThat(answer.code()).as(answer.body()).isEqualTo(422);
		assertThat(answer.json().get("reason").asText()).isEqualTo("Invalid");
		assertThat(answer.body()).contains("averageUtilization");
		assertThat(this.api.get(V1 + this.ns + "/horizontalpodautoscalers").json().get("items")).isEmpty();
	}

	@Test
	void aV1UpdateThatWouldMakeItInvalidLeavesTheStoredObjectUnchanged() {
		createV2WithPodsMetric();
		JsonNode before = this.api.get(V2 + this.ns + "/horizontalpodautoscalers/web").json();

		HttpApi.Answer answer = this.api.patch(V1 + this.ns + "/horizontalpodautoscalers/web",
				"application/merge-patch+json", "{\"spec\":{\"minReplicas\":9}}");

		assertThat(answer.code()).as(answer.body()).isEqualTo(422);
		assertThat(this.api.get(V2 + this.ns + "/horizontalpodautoscalers/web").json()).isEqualTo(before);
	}

	private String v1Body(String name, String spec) {
		return "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\""
				+ name
				+ "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
				+ spec + "}}";
	}

	private void createV2WithPodsMetric() {
		HttpApi.Answer created = this.api.post(V2 + this.ns + "/horizontalpodautoscalers",
				"""
						{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
						 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5,
						  "metrics":[
						   {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1k"}}},
						   {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}}""");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
	}

}
