package io.stevedore.controller.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/** The EndpointSlice controller's writes, behind an interface for unit tests. */
public interface EndpointSliceWrites {

	void create(EndpointSlice slice);

	/** Guarded by the slice's resourceVersion. */
	void update(EndpointSlice slice);

	void delete(EndpointSlice slice);

}
