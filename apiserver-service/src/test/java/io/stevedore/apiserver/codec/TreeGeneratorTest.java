package io.stevedore.apiserver.codec;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stevedore.apiserver.bench.WriteSamples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ObjectCodec#toTree} builds the tree as the serializer writes: it must be the
 * very tree Jackson's valueToTree makes, node classes (IntNode or LongNode) and field
 * order included, and objects with values it does not build (doubles) must come out as
 * valueToTree makes them too.
 */
class TreeGeneratorTest {

	private static final ObjectCodec CODEC = new ObjectCodec();

	static Stream<Arguments> objects() {
		return Stream.of(Arguments.of("an Event", WriteSamples.preparedEvent(CODEC)),
				Arguments.of("a Pod", WriteSamples.preparedPod(CODEC)),
				Arguments.of("a Pod with status and managedFields",
						WriteSamples.statusUpdate(CODEC, WriteSamples.preparedPod(CODEC),
								new io.stevedore.apiserver.rest.ManagedFields(CODEC),
								java.time.Instant.parse("2026-12-07T00:00:00Z"))[1]),
				Arguments.of("a Deployment", decode(Deployment.class, """
						{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":4,
						"labels":{"app":"web"}},"spec":{"replicas":3,"progressDeadlineSeconds":600,
						"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
						"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
						"spec":{"terminationGracePeriodSeconds":30,"containers":[{"name":"web","image":"nginx",
						"ports":[{"containerPort":80}],"securityContext":{"runAsUser":1000,"privileged":false}}]}}},
						"status":{"replicas":3,"observedGeneration":4}}""")),
				Arguments.of("a Service with int and string target ports", decode(Service.class, """
						{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[
						{"port":80,"targetPort":8080},{"port":53,"targetPort":"dns","protocol":"UDP"}]}}""")),
				Arguments.of("a Node with quantities", decode(Node.class, """
						{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"capacity":
						{"cpu":"2","memory":"24Gi"},"nodeInfo":{"kubeletVersion":"v1.34.0"}}}""")),
				Arguments.of("a ConfigMap with unknown fields, nested and repeated", decode(ConfigMap.class, """
						{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},
						"data":{"a":"1","":"empty","\\u00e9\\"":"x"},"immutable":true,
						"extra":{"n":1,"big":12345678901,"list":[1,"two",null,true,{"x":{}}]}}""")),
				Arguments.of("an unknown field holding a double", decode(ConfigMap.class, """
						{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"ratio":0.25}""")),
				Arguments.of("a map", Map.of("a", 1)),
				Arguments.of("a map with a double", Map.of("a", java.util.List.of(1, 2.5))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("objects")
	void theTreeIsValueToTrees(String name, Object object) {
		JsonNode expected = CODEC.json().valueToTree(object);
		JsonNode actual = CODEC.toTree(object);
		assertThat(actual).isEqualTo(expected);
		assertIdentical(actual, expected, "");
	}

	@org.junit.jupiter.api.Test
	void objectsOfTheModelsAreBuiltDirectlyAndDoublesAreLeftToValueToTree() throws Exception {
		assertThat(generated(WriteSamples.preparedPod(CODEC)).unsupported()).isFalse();
		assertThat(generated(WriteSamples.preparedEvent(CODEC)).unsupported()).isFalse();
		assertThat(generated(Map.of("a", 2.5)).unsupported()).isTrue();
	}

	private static TreeGenerator generated(Object object) throws Exception {
		TreeGenerator generator = new TreeGenerator(CODEC.json());
		try {
			CODEC.json().writeValue(generator, object);
		}
		catch (java.io.IOException ex) {
			// marked unsupported
		}
		return generator;
	}

	/** Equal, and of the same node classes with fields in the same order. */
	private static void assertIdentical(JsonNode actual, JsonNode expected, String path) {
		assertThat(actual.getClass()).as(path).isEqualTo(expected.getClass());
		assertThat(actual).as(path).isEqualTo(expected);
		if (expected.isObject()) {
			assertThat(actual.properties().stream().map(Map.Entry::getKey).toList()).as(path)
				.isEqualTo(expected.properties().stream().map(Map.Entry::getKey).toList());
			for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
				Map.Entry<String, JsonNode> e = it.next();
				assertIdentical(actual.get(e.getKey()), e.getValue(), path + "." + e.getKey());
			}
		}
		else if (expected.isArray()) {
			for (int i = 0; i < expected.size(); i++) {
				assertIdentical(actual.get(i), expected.get(i), path + "[" + i + "]");
			}
		}
	}

	private static <T> T decode(Class<T> type, String json) {
		return CODEC.toTyped(CODEC.readTree(json.getBytes(StandardCharsets.UTF_8), MediaTypes.Format.JSON), type);
	}

}
