package io.stevedore.machinery.patch;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.machinery.patch.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The cases of k8s.io/apimachinery strategicpatch's tests that matter for the built-in
 * types, on real Pod, Deployment and Service shapes.
 */
class StrategicMergePatchTest {

	static Stream<Arguments> podPatches() {
		return Stream.of(
				arguments("containers merge by name: a changed image keeps the other fields",
						"""
								spec: {containers: [{name: web, image: nginx:1.25, ports: [{containerPort: 80}]}, {name: log, image: busybox}]}
								""",
						"""
								spec: {containers: [{name: web, image: nginx:1.27}]}
								""",
						"""
								spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}, {name: log, image: busybox}]}
								"""),
				arguments("a new container goes before the live ones, as kubectl patch shows", """
						spec: {containers: [{name: web, image: nginx}]}
						""", """
						spec: {containers: [{name: sidecar, image: redis}]}
						""", """
						spec: {containers: [{name: sidecar, image: redis}, {name: web, image: nginx}]}
						"""), arguments("$patch: delete removes the element with that key", """
						spec: {containers: [{name: web, image: nginx}, {name: log, image: busybox}]}
						""", """
						spec: {containers: [{name: log, $patch: delete}]}
						""", """
						spec: {containers: [{name: web, image: nginx}]}
						"""), arguments("$patch: replace in a list replaces the whole list", """
						spec: {containers: [{name: web, image: nginx}, {name: log, image: busybox}]}
						""", """
						spec: {containers: [{name: only, image: x}, {$patch: replace}]}
						""", """
						spec: {containers: [{name: only, image: x}]}
						"""), arguments("$patch: replace in a map replaces the map", """
						spec: {nodeSelector: {disk: ssd, zone: a}}
						""", """
						spec: {nodeSelector: {zone: b, $patch: replace}}
						""", """
						spec: {nodeSelector: {zone: b}}
						"""), arguments("$patch: delete in a map removes its content", """
						spec: {securityContext: {runAsUser: 1000}}
						""", """
						spec: {securityContext: {$patch: delete}}
						""", """
						spec: {securityContext: {}}
						"""), arguments("null deletes a key", """
						metadata: {labels: {app: web, tier: front}}
						""", """
						metadata: {labels: {tier: null}}
						""", """
						metadata: {labels: {app: web}}
						"""), arguments("lists without a patch strategy are replaced (tolerations are atomic)", """
						spec: {tolerations: [{key: a, operator: Exists}]}
						""", """
						spec: {tolerations: [{key: b, operator: Exists}]}
						""", """
						spec: {tolerations: [{key: b, operator: Exists}]}
						"""), arguments("env merges by name inside a merged container", """
						spec: {containers: [{name: web, env: [{name: A, value: "1"}, {name: B, value: "2"}]}]}
						""", """
						spec: {containers: [{name: web, env: [{name: B, value: "3"}]}]}
						""", """
						spec: {containers: [{name: web, env: [{name: A, value: "1"}, {name: B, value: "3"}]}]}
						"""), arguments("volume mounts merge by mountPath", """
						spec: {containers: [{name: web, volumeMounts: [{name: a, mountPath: /a}]}]}
						""", """
						spec: {containers: [{name: web, volumeMounts: [{name: b, mountPath: /a}]}]}
						""", """
						spec: {containers: [{name: web, volumeMounts: [{name: b, mountPath: /a}]}]}
						"""), arguments("ports merge by containerPort", """
						spec: {containers: [{name: web, ports: [{containerPort: 80, name: http}]}]}
						""", """
						spec: {containers: [{name: web, ports: [{containerPort: 80, name: web}, {containerPort: 443}]}]}
						""", """
						spec: {containers: [{name: web, ports: [{containerPort: 80, name: web}, {containerPort: 443}]}]}
						"""), arguments("finalizers merge as a set", """
						metadata: {finalizers: [a, b]}
						""", """
						metadata: {finalizers: [b, c]}
						""", """
						metadata: {finalizers: [a, b, c]}
						"""), arguments("$deleteFromPrimitiveList removes scalars from a merged list", """
						metadata: {finalizers: [a, b, c]}
						""", """
						metadata: {$deleteFromPrimitiveList/finalizers: [b]}
						""", """
						metadata: {finalizers: [a, c]}
						"""), arguments("$deleteFromPrimitiveList of an absent list adds nothing", """
						metadata: {name: p}
						""", """
						metadata: {$deleteFromPrimitiveList/finalizers: [b]}
						""", """
						metadata: {name: p}
						"""), arguments("$setElementOrder orders the merged list", """
						spec: {containers: [{name: a, image: a}, {name: b, image: b}]}
						""", """
						spec:
						  $setElementOrder/containers: [{name: b}, {name: c}, {name: a}]
						  containers: [{name: c, image: c}]
						""", """
						spec: {containers: [{name: b, image: b}, {name: c, image: c}, {name: a, image: a}]}
						"""),
				arguments("$setElementOrder puts a server-only item before patch items that followed it live", """
						spec: {containers: [{name: a}, {name: server}, {name: b}]}
						""", """
						spec:
						  $setElementOrder/containers: [{name: b}, {name: a}]
						""", """
						spec: {containers: [{name: server}, {name: b}, {name: a}]}
						"""), arguments("$setElementOrder orders a primitive list", """
						metadata: {finalizers: [a, b]}
						""", """
						metadata:
						  $setElementOrder/finalizers: [c, b, a]
						  finalizers: [c]
						""", """
						metadata: {finalizers: [c, b, a]}
						"""), arguments("$retainKeys on a volume clears the other source", """
						spec: {volumes: [{name: data, emptyDir: {}}]}
						""", """
						spec: {volumes: [{name: data, hostPath: {path: /d}, $retainKeys: [hostPath, name]}]}
						""", """
						spec: {volumes: [{name: data, hostPath: {path: /d}}]}
						"""), arguments("directives in newly added values never reach the object", """
						spec: {}
						""", """
						spec: {containers: [{name: web, env: [{name: X, $patch: delete}, {name: Y, value: y}]}]}
						""", """
						spec: {containers: [{name: web, env: [{name: Y, value: y}]}]}
						"""));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("podPatches")
	void patchesPods(String name, String original, String patch, String expected) {
		JsonNode result = Patches.strategicMergePatch(yaml(original), yaml(patch), Pod.class);
		assertThat(result).isEqualTo(yaml(expected));
	}

	@Test
	void retainKeysOnTheDeploymentStrategyDropsRollingUpdateWhenSwitchingToRecreate() {
		JsonNode live = yaml("""
				spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}
				""");
		JsonNode patch = yaml("""
				spec: {strategy: {type: Recreate, $retainKeys: [type]}}
				""");
		assertThat(Patches.strategicMergePatch(live, patch, Deployment.class))
			.isEqualTo(yaml("spec: {strategy: {type: Recreate}}"));
	}

	@Test
	void servicePortsMergeByPort() {
		JsonNode live = yaml("spec: {ports: [{port: 80, targetPort: 8080}, {port: 443}]}");
		JsonNode patch = yaml("spec: {ports: [{port: 80, targetPort: 9090}]}");
		assertThat(Patches.strategicMergePatch(live, patch, Service.class))
			.isEqualTo(yaml("spec: {ports: [{port: 80, targetPort: 9090}, {port: 443}]}"));
	}

	/**
	 * What kubectl apply (client-side) sends after the user edits the file: computed from
	 * last-applied, the new file and the live object.
	 */
	@Test
	void appliesAKubectlApplyThreeWayPatch() {
		JsonNode live = yaml(
				"""
						metadata:
						  name: web
						  annotations: {kubectl.kubernetes.io/last-applied-configuration: old, deployment.kubernetes.io/revision: "1"}
						  labels: {app: web, team: a}
						spec:
						  replicas: 3
						  template:
						    spec:
						      containers:
						      - {name: web, image: nginx:1.25, env: [{name: MODE, value: a}], terminationMessagePath: /dev/termination-log}
						      - {name: log, image: busybox}
						""");
		// the file dropped the log container and label team, changed the image, added a
		// port
		JsonNode patch = yaml("""
				metadata:
				  annotations: {kubectl.kubernetes.io/last-applied-configuration: new}
				  labels: {team: null}
				spec:
				  template:
				    spec:
				      $setElementOrder/containers: [{name: web}]
				      containers:
				      - name: web
				        image: nginx:1.27
				        ports: [{containerPort: 80}]
				      - {name: log, $patch: delete}
				""");
		JsonNode expected = yaml(
				"""
						metadata:
						  name: web
						  annotations: {kubectl.kubernetes.io/last-applied-configuration: new, deployment.kubernetes.io/revision: "1"}
						  labels: {app: web}
						spec:
						  replicas: 3
						  template:
						    spec:
						      containers:
						      - {name: web, image: nginx:1.27, env: [{name: MODE, value: a}], terminationMessagePath: /dev/termination-log, ports: [{containerPort: 80}]}
						""");
		assertThat(Patches.strategicMergePatch(live, patch, Deployment.class)).isEqualTo(expected);
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				arguments("an element without its merge key", "spec: {containers: [{image: x}]}", 422,
						"map: map[image:x] does not contain declared merge key: name"),
				arguments("an unknown list directive", "spec: {containers: [{name: web, $patch: frob}]}", 422,
						"unknown patch type: frob in map: map[$patch:frob name:web]"),
				arguments("$patch: merge in a list", "spec: {containers: [{$patch: merge}]}", 422,
						"merging lists cannot yet be specified in the patch"),
				arguments("a key outside $retainKeys",
						"spec: {volumes: [{name: web, emptyDir: {}, $retainKeys: [name]}]}", 400,
						"invalid patch format of retainKeys"),
				arguments("$retainKeys that is not a list", "spec: {volumes: [{name: web, $retainKeys: name}]}", 400,
						"invalid patch format of retainKeys"),
				arguments("a patch order that contradicts $setElementOrder", """
						spec:
						  $setElementOrder/containers: [{name: a}, {name: web}]
						  containers: [{name: web}, {name: a}]
						""", 422, """
						The order in patch list:
						[map[name:web] map[name:a]]
						 doesn't match $setElementOrder list:
						[map[name:a] map[name:web]]
						"""));
	}

	@ParameterizedTest(name = "refuses {0}")
	@MethodSource("failures")
	void refusesMalformedPatchesWithKubernetesMessages(String name, String patch, int code, String message) {
		JsonNode live = yaml("spec: {containers: [{name: web, image: nginx}], volumes: [{name: web, emptyDir: {}}]}");
		assertThatThrownBy(() -> Patches.strategicMergePatch(live, yaml(patch), Pod.class))
			.isInstanceOfSatisfying(PatchException.class, ex -> assertThat(ex.code()).isEqualTo(code))
			.hasMessage(message);
	}

	@Test
	void neverModifiesItsInputs() {
		JsonNode live = yaml("spec: {containers: [{name: web, image: nginx}]}");
		JsonNode patch = yaml("spec: {containers: [{name: web, image: x}]}");
		Patches.strategicMergePatch(live, patch, Pod.class);
		assertThat(live).isEqualTo(yaml("spec: {containers: [{name: web, image: nginx}]}"));
		assertThat(patch).isEqualTo(yaml("spec: {containers: [{name: web, image: x}]}"));
	}

}
