package io.stevedore.nodeagent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;

/**
 * The resolved name, address and disk location of this node: the properties with their
 * "empty means detect" defaults filled in.
 */
public record NodeIdentity(String name, String address, String hostname, Path rootDir) {

	public static NodeIdentity resolve(NodeAgentProperties properties) {
		String hostname = localHostname();
		String name = properties.name().isBlank() ? hostname.toLowerCase(Locale.ROOT) : properties.name();
		if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
			throw new IllegalArgumentException("stevedore.node.name must be a DNS subdomain (lowercase letters, "
					+ "digits, '-' and '.'), got \"" + name + "\"");
		}
		String address = properties.address().isBlank() ? firstIpv4() : properties.address();
		Path root = properties.rootDir().isBlank()
				? Path.of(System.getProperty("user.home"), ".stevedore", "nodes", name) : Path.of(properties.rootDir());
		return new NodeIdentity(name, address, hostname, root.toAbsolutePath());
	}

	private static String localHostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

	/** The host's first up, non-loopback IPv4 address that is not a Docker bridge. */
	static String firstIpv4() {
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!nic.isUp() || nic.isLoopback() || nic.getName().startsWith("docker")
						|| nic.getName().startsWith("br-") || nic.getName().startsWith("veth")) {
					continue;
				}
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					if (address instanceof Inet4Address) {
						return address.getHostAddress();
					}
				}
			}
		}
		catch (SocketException ex) {
			// fall through to loopback
		}
		return "127.0.0.1";
	}

}
