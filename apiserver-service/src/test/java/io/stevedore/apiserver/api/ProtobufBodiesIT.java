package io.stevedore.apiserver.api;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.LabelSelector;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes in Kubernetes' protobuf encoding, as kubectl and Go clients send them, over real
 * HTTP: stored and read back as JSON.
 */
class ProtobufBodiesIT extends EmbeddedApiServer {

	private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

	HttpApi api;

	String ns;

	@BeforeEach
	void namespace() {
		this.api = api();
		this.ns = "t" + Long.toHexString(System.nanoTime());
		HttpApi.Answer created = this.api.post("/api/v1/namespaces",
				"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + this.ns + "\"}}");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
	}

	/** The bytes kubectl sends: {@code k8s\0} then a runtime.Unknown. */
	private static byte[] envelope(String apiVersion, String kind, Message object) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { 'k', '8', 's', 0 });
		out.writeBytes(Unknown.newBuilder()
			.setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
			.setRaw(object.toByteString())
			.build()
			.toByteArray());
		return out.toByteArray();
	}

	/**
	 * {@code kubectl create deployment web --image=nginx --replicas=3}, with Go's empty
	 * non-pointer fields, plus a rolling update and resources.
	 */
	private static byte[] deployment() {
		ObjectMeta.Builder meta = ObjectMeta.newBuilder()
			.setName("web")
			.setNamespace("")
			.setResourceVersion("")
			.setCreationTimestamp(Time.getDefaultInstance())
			.putLabels("app", "web");
		V1.Container container = V1.Container.newBuilder()
			.setName("nginx")
			.setImage("nginx")
			.setImagePullPolicy("")
			.setTerminationMessagePath("")
			.setResources(V1.ResourceRequirements.newBuilder()
				.putLimits("memory", Quantity.newBuilder().setString("128Mi").build()))
			.build();
		return envelope("apps/v1", "Deployment", V1Apps.Deployment.newBuilder()
			.setMetadata(meta)
			.setSpec(V1Apps.DeploymentSpec.newBuilder()
				.setReplicas(3)
				.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
				.setStrategy(V1Apps.DeploymentStrategy.newBuilder()
					.setType("RollingUpdate")
					.setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
						.setMaxSurge(IntOrString.newBuilder().setType(1).setStrVal("25%"))
						.setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(0))))
				.setTemplate(V1.PodTemplateSpec.newBuilder()
					.setMetadata(ObjectMeta.newBuilder()
						.setCreationTimestamp(Time.getDefaultInstance())
						.putLabels("app", "web"))
					.setSpec(V1.PodSpec.newBuilder().setNodeName("").setRestartPolicy("").addContainers(container))))
			.setStatus(V1Apps.DeploymentStatus.getDefaultInstance())
			.build());
	}

	@Test
	void aProtobufDeploymentIsCreatedAndReadBackAsJson() throws Exception {
		// kubectl asks for protobuf first; Stevedore answers with its second choice,
		// JSON.
		HttpResponse<String> created = this.api.client()
			.send(HttpRequest.newBuilder(this.api.uri("/apis/apps/v1/namespaces/" + this.ns + "/deployments"))
				.header("Content-Type", PROTOBUF)
				.header("Accept", PROTOBUF + ", application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(deployment()))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");

		JsonNode read = this.api.get("/apis/apps/v1/namespaces/" + this.ns + "/deployments/web").json();

		assertThat(read.path("metadata").path("namespace").asText()).isEqualTo(this.ns);
		assertThat(read.path("metadata").path("uid").asText()).isNotEmpty();
		assertThat(read.path("spec").path("replicas").asInt()).isEqualTo(3);
		assertThat(read.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
		assertThat(read.at("/spec/strategy/rollingUpdate/maxUnavailable").isInt()).isTrue();
		assertThat(read.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
		JsonNode pod = read.at("/spec/template/spec");
		assertThat(pod.has("nodeName")).as("Go's empty nodeName is not a value").isFalse();
		assertThat(pod.path("restartPolicy").asText()).isEqualTo("Always");
		JsonNode container = pod.path("containers").path(0);
		assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
		assertThat(container.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
		assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("128Mi");
	}

	@Test
	void aProtobufServiceKeepsItsIntTargetPort() {
		byte[] service = envelope("v1", "Service",
				V1.Service.newBuilder()
					.setMetadata(ObjectMeta.newBuilder().setName("s").setCreationTimestamp(Time.getDefaultInstance()))
					.setSpec(V1.ServiceSpec.newBuilder()
						.setType("ClusterIP")
						.setClusterIP("")
						.putSelector("app", "s")
						.addPorts(V1.ServicePort.newBuilder()
							.setName("80-8080")
							.setProtocol("TCP")
							.setPort(80)
							.setNodePort(0)
							.setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080))))
					.build());

		HttpApi.Answer created = this.api.send("/api/v1/namespaces/" + this.ns + "/services", "POST", PROTOBUF,
				service);

		assertThat(created.code()).as(created.body()).isEqualTo(201);
		JsonNode port = created.json().at("/spec/ports/0");
		assertThat(port.path("targetPort").isInt()).isTrue();
		assertThat(port.path("targetPort").asInt()).isEqualTo(8080);
		assertThat(port.has("nodePort")).isFalse();
		assertThat(created.json().at("/spec/clusterIP").asText()).isNotEmpty();
	}

	@Test
	void aBodyThatIsNotProtobufIsABadRequest() {
		HttpApi.Answer answer = this.api.send("/apis/apps/v1/namespaces/" + this.ns + "/deployments", "POST", PROTOBUF,
				"{\"kind\":\"Deployment\"}");

		assertThat(answer.code()).isEqualTo(400);
		assertThat(answer.reason()).isEqualTo("BadRequest");
		assertThat(answer.message()).contains("not a Kubernetes protobuf object");
	}

}
