/**
 * Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf})
 * decoded to the JSON tree every other body becomes, so validation, defaulting and
 * storage see one form. Entry point:
 * {@link io.stevedore.machinery.protobuf.ProtobufBodies}.
 *
 * <pre>
 * body ─► ProtobufEnvelope (k8s\0 + runtime.Unknown) ─► ProtobufKinds (apiVersion+kind ─► message type)
 *      ─► DynamicMessage over client-java-proto descriptors ─► ProtobufToJson (+ KeptZeroValues) ─► JsonNode
 * </pre>
 *
 * Only decoding: responses stay JSON, which kubectl accepts as its second choice.
 */
package io.stevedore.machinery.protobuf;
