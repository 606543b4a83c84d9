package io.stevedore.proxy.service.model;

/**
 * One backend of a Service port, from an EndpointSlice. Only {@link #ready} endpoints get
 * new connections; a terminating one is kept in the model so a data plane knows its
 * existing connections may finish (they are never cut).
 *
 * @param ip the pod's IPv4 address
 * @param port the target port, already resolved per endpoint by the slice (named ports)
 * @param nodeName node the endpoint runs on (externalTrafficPolicy Local), may be null
 * @param ready ready for new connections
 * @param terminating the pod is being deleted
 */
public record Endpoint(String ip, int port, String nodeName, boolean ready, boolean terminating) {

	public String address() {
		return this.ip + ":" + this.port;
	}

}
