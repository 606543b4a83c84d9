package io.stevedore.gateway.review;

import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewSpec;
import io.stevedore.gateway.protobuf.ProtobufMessage;

/**
 * Reads the protobuf SelfSubjectAccessReview that kubectl's typed client sends. Only the
 * spec's attribute fields are read; the answer goes back as JSON, which client-go decodes
 * by the response's content type.
 */
final class ProtobufReviews {

	private ProtobufReviews() {
	}

	static boolean isProtobuf(byte[] body) {
		return ProtobufMessage.isKubernetesProtobuf(body);
	}

	/**
	 * The namespace of a SelfSubjectRulesReview (spec = 2, its namespace = 1), or null.
	 */
	static String selfSubjectRulesReviewNamespace(byte[] body) {
		ProtobufMessage spec = ProtobufMessage.unwrap(body).message(2);
		return spec == null ? null : spec.string(1);
	}

	static SelfSubjectAccessReview selfSubjectAccessReview(byte[] body) {
		ProtobufMessage spec = ProtobufMessage.unwrap(body).message(2);
		SelfSubjectAccessReview review = new SelfSubjectAccessReview();
		SelfSubjectAccessReviewSpec result = new SelfSubjectAccessReviewSpec();
		review.setSpec(result);
		if (spec == null) {
			return review;
		}
		ProtobufMessage resource = spec.message(1);
		ProtobufMessage nonResource = spec.message(2);
		if (resource != null) {
			ResourceAttributes attributes = new ResourceAttributes();
			attributes.setNamespace(resource.string(1));
			attributes.setVerb(resource.string(2));
			attributes.setGroup(resource.string(3));
			attributes.setVersion(resource.string(4));
			attributes.setResource(resource.string(5));
			attributes.setSubresource(resource.string(6));
			attributes.setName(resource.string(7));
			result.setResourceAttributes(attributes);
		}
		if (nonResource != null) {
			NonResourceAttributes attributes = new NonResourceAttributes();
			attributes.setPath(nonResource.string(1));
			attributes.setVerb(nonResource.string(2));
			result.setNonResourceAttributes(attributes);
		}
		return review;
	}

}
