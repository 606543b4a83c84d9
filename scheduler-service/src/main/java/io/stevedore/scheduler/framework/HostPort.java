package io.stevedore.scheduler.framework;

/**
 * A host port a container asks for. Two conflict when protocol and port match and either
 * binds every address (0.0.0.0) or both bind the same one.
 */
public record HostPort(String ip, String protocol, int port) {

	public static final String ANY_IP = "0.0.0.0";

	public static HostPort of(String ip, String protocol, int port) {
		return new HostPort((ip == null || ip.isEmpty()) ? ANY_IP : ip,
				(protocol == null || protocol.isEmpty()) ? "TCP" : protocol, port);
	}

	public boolean conflictsWith(HostPort other) {
		return this.port == other.port && this.protocol.equals(other.protocol)
				&& (this.ip.equals(other.ip) || ANY_IP.equals(this.ip) || ANY_IP.equals(other.ip));
	}

}
