package io.stevedore.machinery.printers;

import java.util.Locale;

import io.stevedore.machinery.errors.ApiException;

/**
 * What each table row carries besides its cells, from the {@code includeObject} query
 * parameter: {@code Metadata} (the default, a PartialObjectMetadata), {@code Object} (the
 * full object) or {@code None}.
 */
public enum IncludeObject {

	NONE, METADATA, OBJECT;

	/**
	 * @param parameter the query parameter value, may be null (meaning Metadata)
	 * @throws ApiException 400 naming the parameter when the value is unknown
	 */
	public static IncludeObject parse(String parameter) {
		if (parameter == null || parameter.isEmpty()) {
			return METADATA;
		}
		return switch (parameter.toLowerCase(Locale.ROOT)) {
			case "none" -> NONE;
			case "metadata" -> METADATA;
			case "object" -> OBJECT;
			default -> throw ApiException.badRequest("includeObject: Unsupported value: \"" + parameter
					+ "\": supported values: \"None\", \"Metadata\", \"Object\"");
		};
	}

}
