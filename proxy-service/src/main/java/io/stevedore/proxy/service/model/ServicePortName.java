package io.stevedore.proxy.service.model;

/**
 * One port of one Service: the unit a data plane programs, named as kube-proxy names it
 * ({@code namespace/name:port}).
 */
public record ServicePortName(String namespace, String name, String port,
		Protocol protocol) implements Comparable<ServicePortName> {

	@Override
	public String toString() {
		return this.namespace + "/" + this.name + (this.port == null || this.port.isEmpty() ? "" : ":" + this.port);
	}

	/** The Service this port belongs to, {@code namespace/name}. */
	public String serviceKey() {
		return this.namespace + "/" + this.name;
	}

	@Override
	public int compareTo(ServicePortName other) {
		int c = serviceKey().compareTo(other.serviceKey());
		if (c != 0) {
			return c;
		}
		c = String.valueOf(this.port).compareTo(String.valueOf(other.port));
		return (c != 0) ? c : this.protocol.compareTo(other.protocol);
	}

}
