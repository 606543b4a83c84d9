package io.stevedore.apiserver.rest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stevedore.apiserver.bench.WriteSamples;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes a create or update stores, managedFields included, for realistic objects:
 * recorded from the field manager before its write path was made cheaper, and compared
 * byte for byte, so that a faster path cannot change an entry, its order or its fields. A
 * no-op update is recognised by comparing encodings with the stored bytes, so any
 * difference would also turn no-ops into writes.
 *
 * <p>
 * To record the expected files again (only when the stored form is meant to change):
 * {@code -Dmanagedfields.record=apiserver-service/src/test/resources}.
 */
class ManagedFieldsStoredBytesTest {

	private static final Instant CREATED = Instant.parse("2026-12-07T00:00:00Z");

	private static final ObjectCodec CODEC = new ObjectCodec();

	private static final ManagedFields MANAGED_FIELDS = new ManagedFields(CODEC);

	static Stream<Arguments> writes() {
		Pod pod = WriteSamples.preparedPod(CODEC);
		Pod[] status = WriteSamples.statusUpdate(CODEC, pod, MANAGED_FIELDS, CREATED);
		Pod edited = WriteSamples.copy(CODEC, status[0]);
		edited.getMetadata().getLabels().put("tier", "front \"end\" \u00e9\\");
		edited.getSpec().getContainers().get(0).setImage("registry.local/app:2");
		edited.getSpec().getContainers().get(0).getEnv().add(new EnvVar("QUOTE\"D\u00e9\t", "x", null));
		edited.getSpec()
			.getContainers()
			.get(1)
			.getPorts()
			.add(new ContainerPortBuilder().withContainerPort(15090).withProtocol("UDP").build());
		edited.getMetadata().getFinalizers().add("example.com/cleanup");
		Pod unchanged = WriteSamples.copy(CODEC, status[0]);
		return Stream.of(create("event-create", WriteSamples.preparedEvent(CODEC), "kube-scheduler"),
				create("pod-create", pod, "kube-controller-manager"),
				create("deployment-create", WriteSamples.prepared(CODEC, DEPLOYMENT, Deployment.class), "kubectl"),
				create("service-create", WriteSamples.prepared(CODEC, SERVICE, Service.class), "helm"),
				update("pod-status-update", status[0], status[1], "kubelet", "status", 5),
				update("pod-edit-by-another-manager", status[0], edited, "kubectl-edit", null, 60),
				update("pod-edit-by-its-creator", status[0], edited, "kube-controller-manager", null, 3600),
				update("pod-update-that-changes-nothing", status[0], unchanged, "kube-controller-manager", null, 7200));
	}

	private static Arguments create(String name, HasMetadata object, String manager) {
		return Arguments.of(name, null, object, manager, null, CREATED);
	}

	private static Arguments update(String name, HasMetadata old, HasMetadata updated, String manager,
			String subresource, long secondsLater) {
		return Arguments.of(name, old, updated, manager, subresource, CREATED.plusSeconds(secondsLater));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("writes")
	void storesTheRecordedBytes(String name, HasMetadata old, HasMetadata updated, String manager, String subresource,
			Instant now) throws IOException {
		ResourceType type = ResourceRegistry.standard()
			.all()
			.stream()
			.filter(t -> t.javaType() == updated.getClass())
			.findFirst()
			.orElseThrow();
		// A create stores the field manager's tree; an update copies the entries into
		// the typed object and encodes that (GuaranteedUpdate): both must be as recorded.
		byte[] tree = CODEC
			.encodeTreeForStorage(MANAGED_FIELDS.forUpdate(type, old, updated, manager, subresource, now));
		HasMetadata typed = WriteSamples.copy(CODEC, updated);
		MANAGED_FIELDS.copyInto(MANAGED_FIELDS.forUpdate(type, old, typed, manager, subresource, now), typed);
		byte[] encoded = CODEC.encodeForStorage(typed);

		String expected = expected(name + ".json", tree);
		assertThat(new String(tree, StandardCharsets.UTF_8)).isEqualTo(expected);
		assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(expected);
	}

	private static String expected(String file, byte[] actual) throws IOException {
		String record = System.getProperty("managedfields.record");
		if (record != null) {
			Path path = Path.of(record, "io/stevedore/apiserver/rest/managedfields", file);
			Files.createDirectories(path.getParent());
			Files.write(path, actual);
			return new String(actual, StandardCharsets.UTF_8);
		}
		try (InputStream in = ManagedFieldsStoredBytesTest.class.getResourceAsStream("managedfields/" + file)) {
			assertThat(in).as(file).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static final String DEPLOYMENT = """
			{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default",
			"labels":{"app":"web"},"annotations":{"deployment.kubernetes.io/revision":"3"}},
			"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
			"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
			"template":{"metadata":{"labels":{"app":"web"}},"spec":{
			"containers":[{"name":"web","image":"nginx:1.25","args":["--port","8080"],
			"ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":8080,"protocol":"UDP"},{"containerPort":9090}],
			"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],
			"resources":{"limits":{"cpu":"500m","memory":"1Gi"}}}],
			"initContainers":[{"name":"init","image":"busybox","command":["sh","-c","true"]}],
			"volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"web","items":[{"key":"a","path":"a"}]}}],
			"affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":100,
			"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"kubernetes.io/hostname"}}]}}}}}}
			""";

	private static final String SERVICE = """
			{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","finalizers":["a/b","c\\"d"]},
			"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},
			{"name":"dns","port":53,"protocol":"UDP","targetPort":"dns"}],"ipFamilies":["IPv4"]}}
			""";

}
