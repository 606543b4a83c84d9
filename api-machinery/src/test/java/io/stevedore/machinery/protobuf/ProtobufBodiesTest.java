package io.stevedore.machinery.protobuf;

import static io.stevedore.machinery.protobuf.ProtobufFixtures.envelope;
import static io.stevedore.machinery.protobuf.ProtobufFixtures.intOrString;
import static io.stevedore.machinery.protobuf.ProtobufFixtures.meta;
import static io.stevedore.machinery.protobuf.ProtobufFixtures.quantity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.FieldsV1;
import io.kubernetes.client.proto.Meta.LabelSelector;
import io.kubernetes.client.proto.Meta.ManagedFieldsEntry;
import io.kubernetes.client.proto.Meta.MicroTime;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Runtime.RawExtension;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.validation.UnknownFields;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtobufBodiesTest {

	private static final ObjectMapper JSON = JsonMapper.builder()
		.findAndAddModules()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	/** A Go container as kubectl writes it: its empty non-pointer fields included. */
	private static V1.Container.Builder container(String name, String image) {
		return V1.Container.newBuilder()
			.setName(name)
			.setImage(image)
			.setWorkingDir("")
			.setResources(V1.ResourceRequirements.getDefaultInstance())
			.setTerminationMessagePath("")
			.setImagePullPolicy("")
			.setStdin(false)
			.setTty(false);
	}

	private static byte[] deployment() {
		V1Apps.Deployment d = V1Apps.Deployment.newBuilder()
			.setMetadata(meta("web").putLabels("app", "web")
				.setCreationTimestamp(Time.newBuilder().setSeconds(1700000000).setNanos(5)))
			.setSpec(V1Apps.DeploymentSpec.newBuilder()
				.setReplicas(3)
				.setMinReadySeconds(0)
				.setPaused(false)
				.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
				.setStrategy(V1Apps.DeploymentStrategy.newBuilder()
					.setType("RollingUpdate")
					.setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
						.setMaxSurge(intOrString("25%"))
						.setMaxUnavailable(intOrString(0))))
				.setTemplate(V1.PodTemplateSpec.newBuilder()
					.setMetadata(meta("").putLabels("app", "web"))
					.setSpec(V1.PodSpec.newBuilder()
						.setRestartPolicy("")
						.setNodeName("")
						.setHostNetwork(false)
						.setTerminationGracePeriodSeconds(0)
						.addContainers(container("nginx", "nginx:1.27")
							.setResources(V1.ResourceRequirements.newBuilder()
								.putLimits("memory", quantity("128Mi"))
								.putLimits("cpu", quantity("500m"))
								.putRequests("cpu", quantity("250m")))
							.addPorts(V1.ContainerPort.newBuilder()
								.setName("")
								.setContainerPort(80)
								.setHostPort(0)
								.setProtocol("TCP"))))))
			.setStatus(V1Apps.DeploymentStatus.getDefaultInstance())
			.build();
		return envelope("apps/v1", "Deployment", d);
	}

	private static final String DEPLOYMENT = """
			{'apiVersion':'apps/v1','kind':'Deployment',
			 'metadata':{'name':'web','creationTimestamp':'2023-11-14T22:13:20Z','labels':{'app':'web'}},
			 'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},
			  'template':{'metadata':{'labels':{'app':'web'}},
			   'spec':{'containers':[{'name':'nginx','image':'nginx:1.27','ports':[{'containerPort':80,'protocol':'TCP'}],
			     'resources':{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':'250m'}}}],
			    'terminationGracePeriodSeconds':0}},
			  'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':0,'maxSurge':'25%'}}},
			 'status':{}}
			""";

	private static byte[] service() {
		V1.Service s = V1.Service.newBuilder()
			.setMetadata(meta("s").putLabels("app", "s"))
			.setSpec(V1.ServiceSpec.newBuilder()
				.setType("ClusterIP")
				.setClusterIP("")
				.putSelector("app", "s")
				.addPorts(V1.ServicePort.newBuilder()
					.setName("80-8080")
					.setProtocol("TCP")
					.setPort(80)
					.setTargetPort(intOrString(8080))
					.setNodePort(0))
				.addPorts(V1.ServicePort.newBuilder()
					.setName("")
					.setPort(0)
					.setTargetPort(intOrString(0))
					.setNodePort(0)))
			.setStatus(V1.ServiceStatus.newBuilder().setLoadBalancer(V1.LoadBalancerStatus.getDefaultInstance()))
			.build();
		return envelope("v1", "Service", s);
	}

	private static final String SERVICE = """
			{'apiVersion':'v1','kind':'Service','metadata':{'name':'s','labels':{'app':'s'}},
			 'spec':{'ports':[{'name':'80-8080','protocol':'TCP','port':80,'targetPort':8080},{'port':0}],
			  'selector':{'app':'s'},'type':'ClusterIP'},
			 'status':{'loadBalancer':{}}}
			""";

	private static byte[] secret() {
		V1.Secret s = V1.Secret.newBuilder()
			.setMetadata(meta("s"))
			.setImmutable(false)
			.putData("a", ByteString.copyFromUtf8("b"))
			.putData("binary", ByteString.copyFrom(new byte[] { (byte) 0xff, 0 }))
			.putData("empty", ByteString.EMPTY)
			.setType("Opaque")
			.build();
		return envelope("v1", "Secret", s);
	}

	private static final String SECRET = """
			{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'immutable':false,
			 'data':{'a':'Yg==','binary':'/wA=','empty':''},'type':'Opaque'}
			""";

	private static byte[] configMap() {
		V1.ConfigMap c = V1.ConfigMap.newBuilder()
			.setMetadata(meta("m").setNamespace("team"))
			.putData("z", "last")
			.putData("a", "b")
			.putData("empty", "")
			.putBinaryData("bin", ByteString.copyFrom(new byte[] { 1, 2 }))
			.build();
		return envelope("v1", "ConfigMap", c);
	}

	private static final String CONFIG_MAP = """
			{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'m','namespace':'team'},
			 'data':{'a':'b','empty':'','z':'last'},'binaryData':{'bin':'AQI='}}
			""";

	private static byte[] job() {
		V1Batch.Job j = V1Batch.Job.newBuilder()
			.setMetadata(meta("j"))
			.setSpec(V1Batch.JobSpec.newBuilder()
				.setBackoffLimit(0)
				.setSuspend(false)
				.setTemplate(V1.PodTemplateSpec.newBuilder()
					.setMetadata(meta(""))
					.setSpec(V1.PodSpec.newBuilder()
						.setRestartPolicy("Never")
						.setEnableServiceLinks(false)
						.addContainers(container("j", "busybox").addCommand("sh").addCommand("-c").addCommand("")))))
			.setStatus(V1Batch.JobStatus.getDefaultInstance())
			.build();
		return envelope("batch/v1", "Job", j);
	}

	private static final String JOB = """
			{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'j'},
			 'spec':{'backoffLimit':0,'suspend':false,'template':{'metadata':{},
			  'spec':{'restartPolicy':'Never','enableServiceLinks':false,
			   'containers':[{'name':'j','image':'busybox','command':['sh','-c',''],'resources':{}}]}}},
			 'status':{}}
			""";

	private static byte[] controllerRevision() {
		V1Apps.ControllerRevision r = V1Apps.ControllerRevision.newBuilder()
			.setMetadata(meta("web-1").addManagedFields(ManagedFieldsEntry.newBuilder()
				.setManager("kubectl")
				.setOperation("Update")
				.setApiVersion("apps/v1")
				.setTime(Time.newBuilder().setSeconds(0).setNanos(0))
				.setFieldsType("FieldsV1")
				.setFieldsV1(FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}")))))
			.setData(RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"replicas\":2}}")))
			.setRevision(0)
			.build();
		return envelope("apps/v1", "ControllerRevision", r);
	}

	private static final String CONTROLLER_REVISION = """
			{'apiVersion':'apps/v1','kind':'ControllerRevision',
			 'metadata':{'name':'web-1','managedFields':[{'manager':'kubectl','operation':'Update','apiVersion':'apps/v1',
			  'fieldsType':'FieldsV1','fieldsV1':{'f:data':{}}}]},
			 'data':{'spec':{'replicas':2}},'revision':0}
			""";

	private static byte[] lease() {
		V1Coordination.Lease l = V1Coordination.Lease.newBuilder()
			.setMetadata(meta("node-1"))
			.setSpec(V1Coordination.LeaseSpec.newBuilder()
				.setHolderIdentity("node-1")
				.setLeaseDurationSeconds(40)
				.setRenewTime(MicroTime.newBuilder().setSeconds(1700000000).setNanos(123456789)))
			.build();
		return envelope("coordination.k8s.io/v1", "Lease", l);
	}

	private static final String LEASE = """
			{'apiVersion':'coordination.k8s.io/v1','kind':'Lease','metadata':{'name':'node-1'},
			 'spec':{'holderIdentity':'node-1','leaseDurationSeconds':40,'renewTime':'2023-11-14T22:13:20.123456Z'}}
			""";

	private static byte[] pod() {
		V1.Pod p = V1.Pod.newBuilder()
			.setMetadata(meta("p"))
			.setSpec(
					V1.PodSpec.newBuilder()
						.addVolumes(V1.Volume.newBuilder()
							.setName("config")
							.setVolumeSource(V1.VolumeSource.newBuilder()
								.setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
									.setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("m"))
									.setDefaultMode(420))))
						.addContainers(
								container("p", "busybox")
									.addEnv(V1.EnvVar.newBuilder()
										.setName("PASSWORD")
										.setValue("")
										.setValueFrom(V1.EnvVarSource.newBuilder()
											.setSecretKeyRef(V1.SecretKeySelector.newBuilder()
												.setLocalObjectReference(
														V1.LocalObjectReference.newBuilder().setName("s"))
												.setKey("a"))))
									.setLivenessProbe(V1.Probe.newBuilder()
										.setHandler(V1.ProbeHandler.newBuilder()
											.setHttpGet(V1.HTTPGetAction.newBuilder()
												.setPath("/healthz")
												.setPort(intOrString("http"))))
										.setPeriodSeconds(5)
										.setInitialDelaySeconds(0))))
			.build();
		return envelope("v1", "Pod", p);
	}

	private static final String POD = """
			{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},
			 'spec':{'volumes':[{'name':'config','configMap':{'name':'m','defaultMode':420}}],
			  'containers':[{'name':'p','image':'busybox','resources':{},
			   'env':[{'name':'PASSWORD','valueFrom':{'secretKeyRef':{'name':'s','key':'a'}}}],
			   'livenessProbe':{'httpGet':{'path':'/healthz','port':'http'},'periodSeconds':5}}]}}
			""";

	private static byte[] deleteOptions() {
		Meta.DeleteOptions o = Meta.DeleteOptions.newBuilder()
			.setGracePeriodSeconds(0)
			.setPropagationPolicy("Foreground")
			.setPreconditions(Meta.Preconditions.newBuilder().setUid("1234"))
			.build();
		return envelope("meta.k8s.io/v1", "DeleteOptions", o);
	}

	private static final String DELETE_OPTIONS = """
			{'apiVersion':'meta.k8s.io/v1','kind':'DeleteOptions','gracePeriodSeconds':0,
			 'preconditions':{'uid':'1234'},'propagationPolicy':'Foreground'}
			""";

	static Stream<Arguments> bodies() {
		return Stream.of(
				Arguments.of("a Deployment keeps pointer zeros, drops Go's empty fields, prints IntOrString, Quantity "
						+ "and Time the Kubernetes way", deployment(), DEPLOYMENT),
				Arguments.of("a Service's int targetPort is a number and a zero port/targetPort is left out", service(),
						SERVICE),
				Arguments.of("a Secret's bytes are base64, even when empty", secret(), SECRET),
				Arguments.of("a ConfigMap's maps keep empty values and binaryData is base64", configMap(), CONFIG_MAP),
				Arguments.of("a Job keeps backoffLimit 0 and an empty command argument", job(), JOB),
				Arguments.of("RawExtension and FieldsV1 embed their JSON; a zero Time is absent", controllerRevision(),
						CONTROLLER_REVISION),
				Arguments.of("a MicroTime has six fraction digits", lease(), LEASE),
				Arguments.of("embedded Go structs (VolumeSource, LocalObjectReference, ProbeHandler) are spread into "
						+ "their parent", pod(), POD),
				Arguments.of("DeleteOptions keep gracePeriodSeconds 0", deleteOptions(), DELETE_OPTIONS));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bodies")
	void decodesToTheJsonKubernetesWouldWrite(String name, byte[] body, String expected) throws Exception {
		JsonNode json = ProtobufBodies.decode(body);

		assertThat(json).isEqualTo(JSON.readTree(expected.replace('\'', '"')));
		assertThat(json.fieldNames()).toIterable().startsWith("apiVersion", "kind");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("bodies")
	void decodedJsonBindsToTheFabric8ModelWithoutUnknownFields(String name, byte[] body, String expected)
			throws Exception {
		JsonNode json = ProtobufBodies.decode(body);
		Class<?> type = json.get("kind").asText().equals("DeleteOptions") ? DeleteOptions.class
				: ResourceRegistry.standard()
					.findByApiVersionKind(json.get("apiVersion").asText(), json.get("kind").asText())
					.orElseThrow()
					.javaType();

		Object typed = JSON.treeToValue(json, type);

		assertThat(UnknownFields.collectAndStrip(typed)).isEmpty();
	}

	static Stream<Arguments> badBodies() {
		byte[] deployment = deployment();
		byte[] truncated = java.util.Arrays.copyOf(deployment, deployment.length - 7);
		// Start-group tags of an unknown field 99, nested 100,000 deep: a stack overflow
		// for a parser without a recursion limit.
		byte[] nestedGroups = new byte[200_000];
		for (int i = 0; i < nestedGroups.length; i += 2) {
			nestedGroups[i] = (byte) 0x9b;
			nestedGroups[i + 1] = 0x06;
		}
		return Stream.of(Arguments.of("an empty body", new byte[0], "the request body is empty"),
				Arguments.of("unknown groups nested 100,000 deep",
						envelope("apps/v1", "Deployment", ByteString.copyFrom(nestedGroups)),
						"too many levels of nesting"),
				Arguments.of("JSON sent with the protobuf content type", "{\"kind\":\"Pod\"}".getBytes(),
						"must start with the 4 bytes \"k8s\\x00\""),
				Arguments.of("an envelope that is not a runtime.Unknown",
						new byte[] { 'k', '8', 's', 0, (byte) 0x0a, (byte) 0xff }, "could not be decoded as protobuf"),
				Arguments.of("a kind this server does not serve",
						envelope("apps/v1", "Flux", V1Apps.Deployment.getDefaultInstance()),
						"no kind \"Flux\" is registered for version \"apps/v1\""),
				Arguments.of("a kind in a version this server does not serve",
						envelope("apps/v1beta2", "Deployment", V1Apps.Deployment.getDefaultInstance()),
						"no kind \"Deployment\" is registered for version \"apps/v1beta2\""),
				Arguments.of("an envelope without a kind", envelope("v1", "", V1.Pod.getDefaultInstance()),
						"Object 'Kind' is missing in the protobuf body (typeMeta.kind)"),
				Arguments.of("an envelope without an apiVersion", envelope("", "Pod", V1.Pod.getDefaultInstance()),
						"Object 'apiVersion' is missing in the protobuf body (typeMeta.apiVersion)"),
				Arguments.of("a truncated object", truncated, "could not be decoded"),
				Arguments.of("object bytes that are not a Deployment",
						envelope("apps/v1", "Deployment", ByteString.copyFrom(new byte[] { (byte) 0x0a, 5, 1 })),
						"the protobuf body's Deployment (apps/v1) could not be decoded"),
				Arguments.of("a RawExtension that holds no JSON",
						envelope("apps/v1", "ControllerRevision",
								V1Apps.ControllerRevision.newBuilder()
									.setData(RawExtension.newBuilder()
										.setRaw(ByteString.copyFrom("not json", StandardCharsets.UTF_8)))
									.build()),
						"field \"data\": the protobuf body embeds a RawExtension that is not JSON"));
	}

	@ParameterizedTest(name = "rejects {0} with 400 BadRequest")
	@MethodSource("badBodies")
	void rejectsMalformedBodiesWithAClearMessage(String name, byte[] body, String message) {
		assertThatThrownBy(() -> ProtobufBodies.decode(body)).isInstanceOfSatisfying(ApiException.class, ex -> {
			assertThat(ex.code()).isEqualTo(400);
			assertThat(ex.reason()).isEqualTo("BadRequest");
			assertThat(ex.getMessage()).contains(message);
		});
	}

	static Stream<Arguments> contentTypes() {
		return Stream.of(Arguments.of("application/vnd.kubernetes.protobuf", true),
				Arguments.of("application/vnd.kubernetes.protobuf; charset=utf-8", true),
				Arguments.of("Application/VND.Kubernetes.Protobuf", true),
				Arguments.of("application/vnd.kubernetes.protobuf;stream=watch", true),
				Arguments.of("application/json", false), Arguments.of("application/yaml", false),
				Arguments.of("application/vnd.kubernetes.protobuf+json", false), Arguments.of("", false),
				Arguments.of(null, false));
	}

	@ParameterizedTest(name = "{0} is protobuf: {1}")
	@MethodSource("contentTypes")
	void recognisesTheProtobufMediaTypeWithAnyParameters(String contentType, boolean protobuf) {
		assertThat(ProtobufBodies.isProtobuf(contentType)).isEqualTo(protobuf);
	}

}
