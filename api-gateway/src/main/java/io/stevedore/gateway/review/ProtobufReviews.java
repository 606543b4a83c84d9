package io.stevedore.gateway.review;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewSpec;

/**
 * Reads the protobuf SelfSubjectAccessReview that kubectl's typed client sends
 * ({@code application/vnd.kubernetes.protobuf}): the {@code k8s\0} envelope around a
 * {@code runtime.Unknown}, whose {@code raw} field holds the review. Only the spec's
 * attribute fields are read; the answer goes back as JSON, which client-go decodes by the
 * response's content type.
 */
final class ProtobufReviews {

	private static final byte[] MAGIC = { 'k', '8', 's', 0 };

	private ProtobufReviews() {
	}

	static boolean isProtobuf(byte[] body) {
		return body.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC);
	}

	static SelfSubjectAccessReview selfSubjectAccessReview(byte[] body) {
		byte[] raw = new Reader(body, MAGIC.length, body.length).bytesField(2);
		if (raw == null) {
			throw new IllegalArgumentException("protobuf envelope without raw object");
		}
		byte[] spec = new Reader(raw, 0, raw.length).bytesField(2);
		SelfSubjectAccessReview review = new SelfSubjectAccessReview();
		SelfSubjectAccessReviewSpec result = new SelfSubjectAccessReviewSpec();
		review.setSpec(result);
		if (spec == null) {
			return review;
		}
		byte[] resource = new Reader(spec, 0, spec.length).bytesField(1);
		byte[] nonResource = new Reader(spec, 0, spec.length).bytesField(2);
		if (resource != null) {
			ResourceAttributes attributes = new ResourceAttributes();
			attributes.setNamespace(string(resource, 1));
			attributes.setVerb(string(resource, 2));
			attributes.setGroup(string(resource, 3));
			attributes.setVersion(string(resource, 4));
			attributes.setResource(string(resource, 5));
			attributes.setSubresource(string(resource, 6));
			attributes.setName(string(resource, 7));
			result.setResourceAttributes(attributes);
		}
		if (nonResource != null) {
			NonResourceAttributes attributes = new NonResourceAttributes();
			attributes.setPath(string(nonResource, 1));
			attributes.setVerb(string(nonResource, 2));
			result.setNonResourceAttributes(attributes);
		}
		return review;
	}

	private static String string(byte[] message, int field) {
		byte[] bytes = new Reader(message, 0, message.length).bytesField(field);
		return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A forward-only reader of protobuf wire format, enough to pick length-delimited
	 * fields.
	 */
	private static final class Reader {

		private final byte[] buffer;

		private int position;

		private final int end;

		Reader(byte[] buffer, int start, int end) {
			this.buffer = buffer;
			this.position = start;
			this.end = end;
		}

		/** The first occurrence of length-delimited {@code field}, or null. */
		byte[] bytesField(int field) {
			while (this.position < this.end) {
				long tag = varint();
				int number = (int) (tag >>> 3);
				int wireType = (int) (tag & 7);
				switch (wireType) {
					case 0 -> varint();
					case 1 -> skip(8);
					case 5 -> skip(4);
					case 2 -> {
						int length = (int) varint();
						if (length < 0 || this.position + length > this.end) {
							throw new IllegalArgumentException("truncated protobuf field " + number);
						}
						if (number == field) {
							return Arrays.copyOfRange(this.buffer, this.position, this.position + length);
						}
						skip(length);
					}
					default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
				}
			}
			return null;
		}

		private long varint() {
			long value = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				if (this.position >= this.end) {
					throw new IllegalArgumentException("truncated protobuf varint");
				}
				byte b = this.buffer[this.position++];
				value |= (long) (b & 0x7f) << shift;
				if ((b & 0x80) == 0) {
					return value;
				}
			}
			throw new IllegalArgumentException("malformed protobuf varint");
		}

		private void skip(int count) {
			this.position += count;
		}

	}

}
