package io.stevedore.apiserver.codec;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.protobuf.ProtobufBodies;

/**
 * Content negotiation as kube-apiserver does it, for the media types Stevedore speaks.
 */
public final class MediaTypes {

	public static final String JSON = "application/json";

	public static final String YAML = "application/yaml";

	public static final String JSON_PATCH = "application/json-patch+json";

	public static final String MERGE_PATCH = "application/merge-patch+json";

	public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

	public static final String APPLY_PATCH = "application/apply-patch+yaml";

	private MediaTypes() {
	}

	public enum Format {

		JSON, YAML, PROTOBUF

	}

	/** How a response is rendered: plain object/list, or a meta.k8s.io Table. */
	public enum Output {

		JSON, YAML, TABLE_JSON, TABLE_YAML

	}

	/**
	 * The format of a request body; YAML or Kubernetes protobuf when the client says so.
	 */
	public static Format bodyFormat(String contentType) {
		String type = base(contentType);
		if (type.isEmpty() || type.equals(JSON) || type.equals("*/*")) {
			return Format.JSON;
		}
		if (type.equals(YAML) || type.equals("application/x-yaml") || type.equals("text/yaml")) {
			return Format.YAML;
		}
		if (ProtobufBodies.isProtobuf(type)) {
			return Format.PROTOBUF;
		}
		throw ApiException.unsupportedMediaType(contentType);
	}

	/**
	 * Chooses the response rendering from an Accept header, taking the first acceptable
	 * alternative as kube-apiserver does.
	 */
	public static Output output(String accept) {
		if (accept == null || accept.isBlank()) {
			return Output.JSON;
		}
		for (String alternative : accept.split(",")) {
			String a = alternative.trim();
			String type = base(a);
			boolean table = a.contains("as=Table");
			if (table && !(a.contains("g=meta.k8s.io") && (a.contains("v=v1") || a.contains("v=v1beta1")))) {
				continue;
			}
			if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*")) {
				return table ? Output.TABLE_JSON : Output.JSON;
			}
			if (type.equals(YAML)) {
				return table ? Output.TABLE_YAML : Output.YAML;
			}
		}
		throw ApiException.notAcceptable("only the following media types are accepted: application/json, "
				+ "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
	}

	/** The media type without parameters, lower case. */
	public static String base(String mediaType) {
		if (mediaType == null) {
			return "";
		}
		int semicolon = mediaType.indexOf(';');
		return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase();
	}

}
