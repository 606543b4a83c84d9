package io.stevedore.machinery.patch;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.machinery.patch.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonPatchTest {

	private static final String DEPLOYMENT = """
			metadata: {name: web, labels: {app: web}}
			spec:
			  replicas: 2
			  template:
			    spec:
			      containers:
			      - {name: web, image: nginx:1.25}
			      - {name: log, image: busybox}
			""";

	static Stream<Arguments> appliedPatches() {
		return Stream.of(
				arguments("replace sets a scalar", "[{op: replace, path: /spec/replicas, value: 5}]", "/spec/replicas",
						"5"),
				arguments("add puts a new key into an object", "[{op: add, path: /metadata/labels/tier, value: front}]",
						"/metadata/labels", "{app: web, tier: front}"),
				arguments("add with - appends to a list",
						"[{op: add, path: /spec/template/spec/containers/-, value: {name: x}}]",
						"/spec/template/spec/containers/2", "{name: x}"),
				arguments("add at an index inserts before it",
						"[{op: add, path: /spec/template/spec/containers/0, value: {name: x}}]",
						"/spec/template/spec/containers/1/name", "web"),
				arguments("a negative index counts from the end",
						"[{op: remove, path: /spec/template/spec/containers/-1}]", "/spec/template/spec/containers",
						"[{name: web, image: nginx:1.25}]"),
				arguments("a passing test lets the next operations run",
						"[{op: test, path: /spec/replicas, value: 2.0}, {op: replace, path: /spec/replicas, value: 3}]",
						"/spec/replicas", "3"),
				arguments("~1 in a path segment is a slash",
						"[{op: add, path: /metadata/labels/app.kubernetes.io~1name, value: web}]",
						"/metadata/labels/app.kubernetes.io~1name", "web"),
				arguments("move takes the value from one path to another",
						"[{op: move, from: /metadata/labels/app, path: /metadata/labels/name}]", "/metadata/labels",
						"{name: web}"),
				arguments("copy duplicates a value", "[{op: copy, from: /metadata/name, path: /metadata/labels/n}]",
						"/metadata/labels/n", "web"),
				arguments("replace of a missing object key adds it, as Kubernetes' library does",
						"[{op: replace, path: /spec/paused, value: true}]", "/spec/paused", "true"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("appliedPatches")
	void appliesOperations(String name, String patch, String pointer, String expected) {
		JsonNode result = Patches.jsonPatch(yaml(DEPLOYMENT), yaml(patch));
		assertThat(JsonValues.equal(result.at(pointer), yaml(expected))).as(result.toString()).isTrue();
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				arguments("a failing test aborts the whole patch", "[{op: test, path: /spec/replicas, value: 3}]", 422,
						"testing value /spec/replicas failed: test failed"),
				arguments("removing a missing key names the key", "[{op: remove, path: /metadata/labels/nope}]", 422,
						"error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value"),
				arguments("adding under a missing parent names the path",
						"[{op: add, path: /spec/selector/matchLabels/app, value: web}]", 422,
						"add operation does not apply: doc is missing path: \"/spec/selector/matchLabels/app\": missing value"),
				arguments("an index past the end is refused",
						"[{op: add, path: /spec/template/spec/containers/5, value: {}}]", 422,
						"error in add for path: '/spec/template/spec/containers/5': Unable to access invalid index: 5: invalid index referenced"),
				arguments("an unknown op is refused", "[{op: frobnicate, path: /spec}]", 422,
						"Unexpected kind: frobnicate"),
				arguments("a patch that is not a list is a bad request", "{op: add}", 400,
						"json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("failures")
	void failsLikeKubeApiserver(String name, String patch, int code, String message) {
		assertThatThrownBy(() -> Patches.jsonPatch(yaml(DEPLOYMENT), yaml(patch)))
			.isInstanceOfSatisfying(PatchException.class, ex -> assertThat(ex.code()).isEqualTo(code))
			.hasMessage(message);
	}

	@org.junit.jupiter.api.Test
	void neverModifiesItsInput() {
		JsonNode target = yaml(DEPLOYMENT);
		Patches.jsonPatch(target, yaml("[{op: replace, path: /spec/replicas, value: 9}]"));
		assertThat(target).isEqualTo(yaml(DEPLOYMENT));
	}

}
