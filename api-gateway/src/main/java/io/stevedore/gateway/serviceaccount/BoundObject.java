package io.stevedore.gateway.serviceaccount;

/** A name and uid in a token's {@code kubernetes.io} claim (pod, secret or node). */
public record BoundObject(String name, String uid) {

}
