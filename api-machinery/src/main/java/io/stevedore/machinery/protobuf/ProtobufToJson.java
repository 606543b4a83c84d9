package io.stevedore.machinery.protobuf;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.stevedore.machinery.errors.ApiException;

/**
 * Writes a decoded Kubernetes message in the JSON shape kube-apiserver gives the same Go
 * object, which is not protobuf's own JSON mapping:
 * <ul>
 * <li>a few apimachinery types marshal themselves: IntOrString is a number or a string,
 * Quantity a string, Time and MicroTime RFC 3339 strings, Duration a Go duration string,
 * RawExtension and FieldsV1 the JSON they carry;</li>
 * <li>bytes are base64 strings, map fields JSON objects with sorted keys;</li>
 * <li>a field the message does not carry is absent; so is an empty list or map, and a
 * zero scalar unless {@link KeptZeroValues} says the zero is a value;</li>
 * <li>a nested message the sender wrote is present even when empty ({@code "strategy":
 * {}}), as Go writes a non-pointer struct.</li>
 * </ul>
 * Field names are the proto field names, which Kubernetes' generated.proto takes from the
 * JSON tags. Stateless and thread-safe.
 */
final class ProtobufToJson {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final ObjectMapper EMBEDDED_JSON = new ObjectMapper();

	/** metav1.Time: whole seconds (Kubernetes drops the nanos on decode). */
	private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")
		.withZone(ZoneOffset.UTC);

	/** metav1.MicroTime: always six fraction digits. */
	private static final DateTimeFormatter RFC3339_MICRO = DateTimeFormatter
		.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
		.withZone(ZoneOffset.UTC);

	private static final String APIMACHINERY = "k8s.io.apimachinery.pkg.";

	/**
	 * The types that marshal themselves; each returns null for its zero value, which is
	 * then treated as absent.
	 */
	private static final Map<String, BiFunction<Message, String, JsonNode>> SELF_MARSHALLING = Map.of(
			APIMACHINERY + "util.intstr.IntOrString", (m, path) -> intOrString(m),
			APIMACHINERY + "api.resource.Quantity", (m, path) -> quantity(m), APIMACHINERY + "apis.meta.v1.Time",
			(m, path) -> time(m, RFC3339), APIMACHINERY + "apis.meta.v1.MicroTime", (m, path) -> time(m, RFC3339_MICRO),
			APIMACHINERY + "apis.meta.v1.Duration", (m, path) -> duration(m), APIMACHINERY + "runtime.RawExtension",
			(m, path) -> embeddedJson(m, "raw", path), APIMACHINERY + "apis.meta.v1.FieldsV1",
			(m, path) -> embeddedJson(m, "Raw", path));

	/** Proto field full name to JSON name, where they differ. */
	private static final Map<String, String> RENAMED = Map
		.of("k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup", "apiGroup");

	/** The embedded structs of the served types, by proto field full name. */
	private static final Set<String> INLINE = Set.of("k8s.io.api.core.v1.Volume.volumeSource",
			"k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource", "k8s.io.api.core.v1.Probe.handler",
			"k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
			"k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
			"k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
			"k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
			"k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
			"k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
			"k8s.io.api.core.v1.SecretProjection.localObjectReference",
			"k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
			"k8s.io.api.networking.v1.IngressRule.ingressRuleValue");

	private ProtobufToJson() {
	}

	static ObjectNode object(Message message) {
		return object(message, "");
	}

	/** {@code path} names the message in error messages, e.g. {@code spec.template}. */
	private static ObjectNode object(Message message, String path) {
		ObjectNode out = NODES.objectNode();
		for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
			if (isInline(field)) {
				if (message.hasField(field)) {
					out.setAll(object((Message) message.getField(field), path));
				}
				continue;
			}
			String name = jsonName(field);
			JsonNode value = field(message, field, path.isEmpty() ? name : path + "." + name);
			if (value != null) {
				out.set(name, value);
			}
		}
		return out;
	}

	/**
	 * The field's JSON name. generated.proto uses the JSON names, except where Go's
	 * protobuf tag was derived from the Go field name ({@code APIGroup} became
	 * {@code aPIGroup}).
	 */
	static String jsonName(FieldDescriptor field) {
		return RENAMED.getOrDefault(field.getFullName(), field.getName());
	}

	/**
	 * Whether the field is a Go struct embedded with {@code json:",inline"}: protobuf
	 * nests it, JSON spreads its fields into the parent.
	 */
	static boolean isInline(FieldDescriptor field) {
		return INLINE.contains(field.getFullName());
	}

	/** Whether a message type has its own JSON form (IntOrString, Time, ...). */
	static boolean marshalsItself(Descriptor type) {
		return SELF_MARSHALLING.containsKey(type.getFullName());
	}

	/** The JSON of one field, or null when Kubernetes' JSON would leave it out. */
	private static JsonNode field(Message message, FieldDescriptor field, String path) {
		if (field.isMapField()) {
			return map(message, field, path);
		}
		if (field.isRepeated()) {
			int count = message.getRepeatedFieldCount(field);
			if (count == 0) {
				return null;
			}
			ArrayNode items = NODES.arrayNode(count);
			for (int i = 0; i < count; i++) {
				JsonNode item = value(field, message.getRepeatedField(field, i), true, path + "[" + i + "]");
				items.add(item == null ? NullNode.getInstance() : item);
			}
			return items;
		}
		if (!message.hasField(field)) {
			return null;
		}
		return value(field, message.getField(field), KeptZeroValues.keeps(field), path);
	}

	private static JsonNode map(Message message, FieldDescriptor field, String path) {
		@SuppressWarnings("unchecked")
		List<Message> entries = (List<Message>) message.getField(field);
		if (entries.isEmpty()) {
			return null;
		}
		FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
		FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
		// Go's encoding/json writes map keys sorted.
		Map<String, JsonNode> sorted = new TreeMap<>();
		for (Message entry : entries) {
			String key = String.valueOf(entry.getField(keyField));
			JsonNode value = value(valueField, entry.getField(valueField), true, path + "." + key);
			sorted.put(key, value == null ? NullNode.getInstance() : value);
		}
		ObjectNode out = NODES.objectNode();
		sorted.forEach(out::set);
		return out;
	}

	/**
	 * One value of a field; {@code keepZero} for list items, map values and the fields of
	 * {@link KeptZeroValues}.
	 */
	private static JsonNode value(FieldDescriptor field, Object value, boolean keepZero, String path) {
		return switch (field.getJavaType()) {
			case MESSAGE -> message(field, (Message) value, keepZero, path);
			case STRING -> (keepZero || !((String) value).isEmpty()) ? NODES.textNode((String) value) : null;
			case BOOLEAN -> (keepZero || (Boolean) value) ? NODES.booleanNode((Boolean) value) : null;
			case INT -> (keepZero || (Integer) value != 0) ? number(intValue(field, (Integer) value)) : null;
			case LONG -> (keepZero || (Long) value != 0) ? longValue(field, (Long) value) : null;
			case FLOAT -> (keepZero || (Float) value != 0) ? NODES.numberNode((Float) value) : null;
			case DOUBLE -> (keepZero || (Double) value != 0) ? NODES.numberNode((Double) value) : null;
			case BYTE_STRING -> (keepZero || !((ByteString) value).isEmpty())
					? NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray())) : null;
			case ENUM -> NODES.textNode(value.toString());
		};
	}

	private static JsonNode message(FieldDescriptor field, Message value, boolean keepZero, String path) {
		BiFunction<Message, String, JsonNode> marshaller = SELF_MARSHALLING.get(field.getMessageType().getFullName());
		if (marshaller == null) {
			return object(value, path);
		}
		JsonNode json = marshaller.apply(value, path);
		if (json == null && keepZero && field.getMessageType().getName().equals("IntOrString")) {
			// A pointer IntOrString set to 0 (maxSurge: 0) is a value.
			return intOrStringZero(value);
		}
		return json;
	}

	private static long intValue(FieldDescriptor field, int value) {
		boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32
				|| field.getType() == FieldDescriptor.Type.FIXED32;
		return unsigned ? Integer.toUnsignedLong(value) : value;
	}

	private static JsonNode longValue(FieldDescriptor field, long value) {
		boolean unsigned = field.getType() == FieldDescriptor.Type.UINT64
				|| field.getType() == FieldDescriptor.Type.FIXED64;
		return (unsigned && value < 0) ? NODES.numberNode(new BigInteger(Long.toUnsignedString(value))) : number(value);
	}

	/** The node JSON parsing would give: an int when it fits, so trees compare equal. */
	private static JsonNode number(long value) {
		return (value == (int) value) ? NODES.numberNode((int) value) : NODES.numberNode(value);
	}

	private static Object get(Message m, String name) {
		return m.getField(m.getDescriptorForType().findFieldByName(name));
	}

	/** {type, intVal, strVal}: type 1 is a string. */
	private static JsonNode intOrString(Message m) {
		if (((Long) get(m, "type")) == 1) {
			String s = (String) get(m, "strVal");
			return s.isEmpty() ? null : NODES.textNode(s);
		}
		int i = (Integer) get(m, "intVal");
		return (i == 0) ? null : NODES.numberNode(i);
	}

	private static JsonNode intOrStringZero(Message m) {
		return (((Long) get(m, "type")) == 1) ? NODES.textNode("") : NODES.numberNode(0);
	}

	private static JsonNode quantity(Message m) {
		String s = (String) get(m, "string");
		return s.isEmpty() ? null : NODES.textNode(s);
	}

	/** {seconds, nanos}; the zero time is Go's null. */
	private static JsonNode time(Message m, DateTimeFormatter format) {
		long seconds = (Long) get(m, "seconds");
		int nanos = (Integer) get(m, "nanos");
		if (seconds == 0 && nanos == 0) {
			return null;
		}
		Instant instant = (format == RFC3339) ? Instant.ofEpochSecond(seconds) : Instant.ofEpochSecond(seconds, nanos);
		return NODES.textNode(format.format(instant));
	}

	private static JsonNode duration(Message m) {
		return NODES.textNode(GoDuration.format((Long) get(m, "duration")));
	}

	/**
	 * RawExtension and FieldsV1 carry JSON bytes; an embedded object a Go client encoded
	 * as protobuf starts with the envelope's magic and is decoded in turn.
	 */
	private static JsonNode embeddedJson(Message m, String field, String path) {
		ByteString raw = (ByteString) get(m, field);
		if (raw.isEmpty()) {
			return null;
		}
		byte[] bytes = raw.toByteArray();
		if (ProtobufEnvelope.hasMagic(bytes)) {
			return ProtobufBodies.decode(bytes);
		}
		try {
			JsonNode json = EMBEDDED_JSON.readTree(bytes);
			if (json == null || json.isMissingNode()) {
				return null;
			}
			return json;
		}
		catch (IOException ex) {
			throw ApiException.badRequest("field \"" + path + "\": the protobuf body embeds a "
					+ m.getDescriptorForType().getName() + " that is not JSON: " + firstLine(ex.getMessage()));
		}
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return newline < 0 ? message : message.substring(0, newline);
	}

}
