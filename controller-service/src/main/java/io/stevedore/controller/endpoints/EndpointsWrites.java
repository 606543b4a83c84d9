package io.stevedore.controller.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;

/** The Endpoints controller's writes, behind an interface for unit tests. */
public interface EndpointsWrites {

	void create(Endpoints endpoints);

	/** Guarded by the object's resourceVersion. */
	void update(Endpoints endpoints);

	void delete(String namespace, String name);

}
