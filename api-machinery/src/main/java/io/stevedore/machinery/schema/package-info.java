/**
 * Type information of the built-in Kubernetes types, derived from the fabric8 model
 * classes plus Kubernetes' merge tags: what patching, server-side apply and the OpenAPI
 * document need. Entry point: {@link io.stevedore.machinery.schema.TypeSchema#of(Class)}.
 */
package io.stevedore.machinery.schema;
