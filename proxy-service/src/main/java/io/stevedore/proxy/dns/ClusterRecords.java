package io.stevedore.proxy.dns;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * What the cluster zone reads from the API: Services and EndpointSlices, by name and by
 * address. Informers back it in the server; an in-memory fake in unit tests.
 */
public interface ClusterRecords {

	/** Whether the first list of every watched kind has arrived. */
	boolean synced();

	Optional<Service> service(String namespace, String name);

	/**
	 * Whether any Service lives in the namespace (so {@code <ns>.svc.<domain>} exists).
	 */
	boolean hasServices(String namespace);

	/**
	 * The slices labelled {@code kubernetes.io/service-name=<service>} in the namespace.
	 */
	List<EndpointSlice> endpointSlices(String namespace, String service);

	/** Services having {@code ip} among their ClusterIPs (normalized literal). */
	List<Service> servicesWithClusterIp(String ip);

	/** Slices having an endpoint with address {@code ip} (normalized literal). */
	List<EndpointSlice> endpointSlicesWithAddress(String ip);

	/** Changes with every observed change; the SOA serial. */
	long serial();

}
