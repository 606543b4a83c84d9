package io.stevedore.gateway.serviceaccount;

import reactor.core.publisher.Mono;

/** Reads the objects tokens are bound to; empty when the object does not exist. */
@FunctionalInterface
public interface ObjectLookup {

	Mono<LiveObject> get(ObjectKind kind, String namespace, String name);

}
