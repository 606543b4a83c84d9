package io.stevedore.machinery.protobuf;

import java.util.Arrays;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.stevedore.machinery.errors.ApiException;

/**
 * The frame around every Kubernetes protobuf object
 * (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the four bytes {@code k8s\0},
 * then a {@code runtime.Unknown} carrying the apiVersion and kind and, in {@code raw},
 * the object's own encoding.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind e.g. {@code Deployment}
 * @param raw the protobuf encoding of the object
 */
record ProtobufEnvelope(String apiVersion, String kind, ByteString raw) {

	static final byte[] MAGIC = { 'k', '8', 's', 0 };

	static boolean hasMagic(byte[] bytes) {
		return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
	}

	static ProtobufEnvelope parse(byte[] body) {
		if (body == null || body.length == 0) {
			throw ApiException.badRequest("the request body is empty");
		}
		if (!hasMagic(body)) {
			throw ApiException.badRequest("the body of the request is not a Kubernetes protobuf object: it must "
					+ "start with the 4 bytes \"k8s\\x00\"");
		}
		// DynamicMessage, not Unknown.parseFrom: see ProtobufKinds on the generated
		// parsers.
		DynamicMessage unknown;
		try {
			unknown = DynamicMessage.parseFrom(Unknown.getDescriptor(),
					ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
		}
		catch (InvalidProtocolBufferException ex) {
			throw ApiException
				.badRequest("the body of the request could not be decoded as protobuf: " + ex.getMessage());
		}
		Message typeMeta = (Message) field(unknown, "typeMeta");
		String apiVersion = (String) field(typeMeta, "apiVersion");
		String kind = (String) field(typeMeta, "kind");
		if (kind.isEmpty()) {
			throw ApiException.badRequest("Object 'Kind' is missing in the protobuf body (typeMeta.kind)");
		}
		if (apiVersion.isEmpty()) {
			throw ApiException.badRequest("Object 'apiVersion' is missing in the protobuf body (typeMeta.apiVersion)");
		}
		// contentEncoding and contentType are ignored, as kube-apiserver ignores them.
		return new ProtobufEnvelope(apiVersion, kind, (ByteString) field(unknown, "raw"));
	}

	private static Object field(Message message, String name) {
		return message.getField(message.getDescriptorForType().findFieldByName(name));
	}

}
