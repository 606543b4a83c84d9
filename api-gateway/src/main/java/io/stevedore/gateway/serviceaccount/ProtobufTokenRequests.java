package io.stevedore.gateway.serviceaccount;

import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;
import io.stevedore.gateway.protobuf.ProtobufMessage;

/**
 * Reads the protobuf TokenRequest {@code kubectl create token} sends: of the spec (field
 * 2), audiences (1), boundObjectRef (3: kind 1, apiVersion 2, name 3, uid 4) and
 * expirationSeconds (4), as in authentication/v1's generated.proto.
 */
final class ProtobufTokenRequests {

	private ProtobufTokenRequests() {
	}

	static TokenRequest read(byte[] body) {
		ProtobufMessage spec = ProtobufMessage.unwrap(body).message(2);
		TokenRequest request = new TokenRequest();
		TokenRequestSpec result = new TokenRequestSpec();
		request.setSpec(result);
		if (spec == null) {
			return request;
		}
		result.setAudiences(spec.strings(1));
		result.setExpirationSeconds(spec.varint(4));
		ProtobufMessage ref = spec.message(3);
		if (ref != null) {
			BoundObjectReference bound = new BoundObjectReference();
			bound.setKind(emptyToNull(ref.string(1)));
			bound.setApiVersion(emptyToNull(ref.string(2)));
			bound.setName(emptyToNull(ref.string(3)));
			bound.setUid(emptyToNull(ref.string(4)));
			result.setBoundObjectRef(bound);
		}
		return request;
	}

	private static String emptyToNull(String value) {
		return value == null || value.isEmpty() ? null : value;
	}

}
