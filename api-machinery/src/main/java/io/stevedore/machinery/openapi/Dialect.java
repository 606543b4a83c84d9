package io.stevedore.machinery.openapi;

/** Swagger 2.0 (/openapi/v2) or OpenAPI 3.0 (/openapi/v3): where references point. */
enum Dialect {

	V2("#/definitions/"), V3("#/components/schemas/");

	private final String refPrefix;

	Dialect(String refPrefix) {
		this.refPrefix = refPrefix;
	}

	String ref(String definitionName) {
		return this.refPrefix + definitionName;
	}

}
