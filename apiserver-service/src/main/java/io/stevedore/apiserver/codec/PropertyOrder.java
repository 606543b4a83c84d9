package io.stevedore.apiserver.codec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;

/**
 * Sets a field of a JSON object at the place the typed encoder writes it for a model
 * class (fabric8's property order, unknown fields last). A write done on the stored tree
 * then stores the bytes that decoding, changing and encoding the typed object would:
 * later updates recognise a no-op by comparing encoded bytes with the stored ones, so the
 * two ways of writing must agree byte for byte. Thread-safe.
 */
public final class PropertyOrder {

	private final ObjectMapper json;

	private final Map<Class<?>, Map<String, Integer>> ranks = new ConcurrentHashMap<>();

	public PropertyOrder(ObjectMapper json) {
		this.json = json;
	}

	/**
	 * Sets {@code field} of {@code node}, an object encoded from {@code type}: an
	 * existing field keeps its place, a new one goes before the first field the encoder
	 * writes after it.
	 */
	public void set(ObjectNode node, Class<?> type, String field, JsonNode value) {
		Map<String, Integer> ranks = ranksOf(type);
		Integer rank = ranks.get(field);
		if (node.has(field) || rank == null) {
			node.set(field, value);
			return;
		}
		List<String> after = new ArrayList<>();
		for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
			String name = names.next();
			Integer other = ranks.get(name);
			// Unknown fields (the model's additional properties) are written last.
			if (!after.isEmpty() || other == null || other > rank) {
				after.add(name);
			}
		}
		Map<String, JsonNode> moved = new LinkedHashMap<>();
		for (String name : after) {
			moved.put(name, node.remove(name));
		}
		node.set(field, value);
		moved.forEach(node::set);
	}

	/**
	 * {@code node}'s fields in the order the encoder writes them for {@code type},
	 * unknown fields last in their own order; the values are shared, not copied.
	 */
	public ObjectNode ordered(ObjectNode node, Class<?> type) {
		Map<String, Integer> ranks = ranksOf(type);
		List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
		fields.sort(Comparator.comparingInt(field -> ranks.getOrDefault(field.getKey(), Integer.MAX_VALUE)));
		ObjectNode ordered = node.objectNode();
		fields.forEach(field -> ordered.set(field.getKey(), field.getValue()));
		return ordered;
	}

	private Map<String, Integer> ranksOf(Class<?> type) {
		return this.ranks.computeIfAbsent(type, this::readRanks);
	}

	/**
	 * The encoder's own order; the model's declared order if the encoder is not a bean
	 * one.
	 */
	private Map<String, Integer> readRanks(Class<?> type) {
		Map<String, Integer> ranks = new HashMap<>();
		try {
			JsonSerializer<Object> serializer = this.json.getSerializerProviderInstance().findValueSerializer(type);
			if (serializer instanceof BeanSerializerBase bean) {
				for (Iterator<PropertyWriter> properties = bean.properties(); properties.hasNext();) {
					ranks.putIfAbsent(properties.next().getName(), ranks.size());
				}
				return Map.copyOf(ranks);
			}
		}
		catch (JsonMappingException ex) {
			// fall back to the declared order below
		}
		JsonPropertyOrder declared = type.getAnnotation(JsonPropertyOrder.class);
		if (declared != null) {
			for (String name : declared.value()) {
				ranks.putIfAbsent(name, ranks.size());
			}
		}
		return Map.copyOf(ranks);
	}

}
