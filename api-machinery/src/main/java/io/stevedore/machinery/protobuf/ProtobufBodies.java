package io.stevedore.machinery.protobuf;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.stevedore.machinery.errors.ApiException;

/**
 * Request bodies in Kubernetes' protobuf encoding, which Go clients and kubectl send for
 * built-in types ({@code kubectl create deployment} does), decoded to the JSON tree the
 * apiserver works on.
 *
 * <pre>
 * k8s\0 | runtime.Unknown{typeMeta{apiVersion, kind}, raw}
 *            │                                        │
 *      ProtobufKinds: apiVersion+kind ──► message type ──DynamicMessage(raw)──► ProtobufToJson ──► JSON tree
 * </pre>
 */
public final class ProtobufBodies {

	/** Kubernetes' protobuf media type. */
	public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

	private ProtobufBodies() {
	}

	/** Whether a Content-Type (parameters allowed) is Kubernetes' protobuf. */
	public static boolean isProtobuf(String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String base = (semicolon < 0) ? contentType : contentType.substring(0, semicolon);
		return base.trim().toLowerCase(Locale.ROOT).equals(MEDIA_TYPE);
	}

	/**
	 * The object in a protobuf body as a JSON tree with its {@code apiVersion} and
	 * {@code kind} first.
	 * @throws ApiException 400 BadRequest for a body without the {@code k8s\0} magic, an
	 * apiVersion/kind this server does not serve, or bytes that do not decode
	 */
	public static JsonNode decode(byte[] body) {
		ProtobufEnvelope envelope = ProtobufEnvelope.parse(body);
		Descriptor type = ProtobufKinds.standard()
			.find(envelope.apiVersion(), envelope.kind())
			.orElseThrow(() -> ApiException.badRequest("no kind \"" + envelope.kind()
					+ "\" is registered for version \"" + envelope.apiVersion() + "\" (protobuf body typeMeta)"));
		Message object;
		try {
			object = DynamicMessage.parseFrom(type, envelope.raw());
		}
		catch (InvalidProtocolBufferException ex) {
			throw ApiException.badRequest("the protobuf body's " + envelope.kind() + " (" + envelope.apiVersion()
					+ ") could not be decoded: " + ex.getMessage());
		}
		ObjectNode json = ProtobufToJson.object(object);
		ObjectNode out = json.objectNode();
		out.put("apiVersion", envelope.apiVersion());
		out.put("kind", envelope.kind());
		out.setAll(json);
		return out;
	}

}
