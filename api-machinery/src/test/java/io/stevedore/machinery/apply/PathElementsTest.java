package io.stevedore.machinery.apply;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.stevedore.machinery.schema.SchemaNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * List item path elements are written without an ObjectMapper call when the key is plain
 * strings, integers and booleans: they must be exactly what the mapper writes, for every
 * value, escapes and non-ASCII included.
 */
class PathElementsTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final List<JsonNode> VALUES = List.of(TextNode.valueOf("web"), TextNode.valueOf(""),
			TextNode.valueOf("TCP"), TextNode.valueOf("/etc/app"), TextNode.valueOf("a \"quoted\" name"),
			TextNode.valueOf("back\\slash"), TextNode.valueOf("tab\there"), TextNode.valueOf("new\nline"),
			TextNode.valueOf("caf\u00e9"), TextNode.valueOf("\u2028"), TextNode.valueOf("\u007f"),
			TextNode.valueOf("<html>&'"), NODES.numberNode(8080), NODES.numberNode(0), NODES.numberNode(-1),
			NODES.numberNode(1L << 40), NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(BigInteger.TEN.pow(30)),
			NODES.numberNode(1.5), NODES.numberNode(new BigDecimal("2.50")), NODES.numberNode((short) 7),
			NODES.booleanNode(true), NODES.booleanNode(false), NODES.objectNode().put("a", 1),
			NODES.arrayNode().add("x"));

	@Test
	void mapListKeysAreWhatTheMapperWrites() throws Exception {
		SchemaNode ports = SchemaNode.root(PodSpec.class).child("containers").element().child("ports");
		for (JsonNode port : VALUES) {
			for (JsonNode protocol : VALUES) {
				ObjectNode item = NODES.objectNode().set("containerPort", port);
				item.set("protocol", protocol);
				item.put("name", "ignored");
				assertThat(PathElements.item(item, 3, ports, List.of(), false)).isEqualTo(
						"k:" + JSON.writeValueAsString(sorted(Map.of("containerPort", port, "protocol", protocol))));
			}
			// A missing protocol takes its default; a missing port is left out.
			ObjectNode portOnly = NODES.objectNode().set("containerPort", port);
			assertThat(PathElements.item(portOnly, 0, ports, List.of(), false)).isEqualTo("k:" + JSON
				.writeValueAsString(sorted(Map.of("containerPort", port, "protocol", TextNode.valueOf("TCP")))));
			ObjectNode protocolOnly = NODES.objectNode().set("protocol", port);
			assertThat(PathElements.item(protocolOnly, 0, ports, List.of(), false))
				.isEqualTo("k:" + JSON.writeValueAsString(sorted(Map.of("protocol", port))));
		}
		assertThat(PathElements.item(NODES.objectNode(), 0, SchemaNode.root(PodSpec.class).child("containers"),
				List.of(), false))
			.isEqualTo("k:{}");
	}

	@Test
	void setItemsAreWhatTheMapperWrites() throws Exception {
		SchemaNode finalizers = SchemaNode.root(ObjectMeta.class).child("finalizers");
		for (JsonNode value : VALUES) {
			assertThat(PathElements.item(value, 0, finalizers, List.of(), false))
				.isEqualTo("v:" + JSON.writeValueAsString(value));
		}
	}

	private static ObjectNode sorted(Map<String, JsonNode> fields) {
		ObjectNode node = NODES.objectNode();
		new TreeMap<>(fields).forEach(node::set);
		return node;
	}

}
