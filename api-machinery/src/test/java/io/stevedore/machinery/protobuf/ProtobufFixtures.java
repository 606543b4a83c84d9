package io.stevedore.machinery.protobuf;

import java.io.ByteArrayOutputStream;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;

/** Builders for protobuf bodies as a Go client writes them. */
final class ProtobufFixtures {

	private ProtobufFixtures() {
	}

	/** The bytes kubectl sends: {@code k8s\0} then a runtime.Unknown. */
	static byte[] envelope(String apiVersion, String kind, Message object) {
		return envelope(apiVersion, kind, object.toByteString());
	}

	static byte[] envelope(String apiVersion, String kind, ByteString raw) {
		Unknown unknown = Unknown.newBuilder()
			.setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
			.setRaw(raw)
			.build();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { 'k', '8', 's', 0 });
		out.writeBytes(unknown.toByteArray());
		return out.toByteArray();
	}

	static ObjectMeta.Builder meta(String name) {
		// Go writes its non-pointer strings even when empty, and the zero Time as an
		// empty message.
		return ObjectMeta.newBuilder()
			.setName(name)
			.setGenerateName("")
			.setNamespace("")
			.setUid("")
			.setResourceVersion("")
			.setGeneration(0)
			.setCreationTimestamp(Time.getDefaultInstance());
	}

	static IntOrString intOrString(int value) {
		return IntOrString.newBuilder().setType(0).setIntVal(value).setStrVal("").build();
	}

	static IntOrString intOrString(String value) {
		return IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal(value).build();
	}

	static Quantity quantity(String value) {
		return Quantity.newBuilder().setString(value).build();
	}

}
