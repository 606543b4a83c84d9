package io.stevedore.proxy.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolvers names outside the cluster domain are forwarded to: the configured ones,
 * else the nameservers of the node's resolv.conf. Never this server itself (or the
 * cluster DNS address): a node whose resolv.conf names the cluster DNS would otherwise
 * send every external query around in a loop until it timed out.
 */
final class Upstreams {

	private static final Logger log = LoggerFactory.getLogger(Upstreams.class);

	private Upstreams() {
	}

	static List<InetSocketAddress> resolve(DnsProperties properties) {
		List<InetSocketAddress> candidates = new ArrayList<>();
		if (!properties.upstreams().isEmpty()) {
			for (String upstream : properties.upstreams()) {
				InetSocketAddress address = parse(upstream);
				if (address == null) {
					throw new IllegalArgumentException("stevedore.proxy.dns.upstreams: \"" + upstream
							+ "\" is not an IP address, IP:port or [IPv6]:port");
				}
				candidates.add(address);
			}
		}
		else {
			candidates.addAll(fromResolvConf(properties.resolvConf()));
		}
		InetSocketAddress self = new InetSocketAddress(IpLiterals.parse(properties.address()), properties.port());
		InetSocketAddress cluster = new InetSocketAddress(IpLiterals.parse(properties.serviceIp()), 53);
		List<InetSocketAddress> upstreams = new ArrayList<>();
		for (InetSocketAddress candidate : candidates) {
			if (candidate.equals(self) || candidate.equals(cluster)) {
				log.warn("Not forwarding to {}: that is the cluster DNS itself (a loop)", candidate);
			}
			else if (!upstreams.contains(candidate)) {
				upstreams.add(candidate);
			}
		}
		if (upstreams.isEmpty()) {
			log.warn("No upstream resolver: names outside {} get SERVFAIL", properties.clusterDomain());
		}
		return List.copyOf(upstreams);
	}

	/** The {@code nameserver} lines; a missing file means none. */
	static List<InetSocketAddress> fromResolvConf(Path file) {
		if (!Files.exists(file)) {
			return List.of();
		}
		List<InetSocketAddress> nameservers = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(file)) {
				String[] fields = line.strip().split("\\s+");
				if (fields.length >= 2 && fields[0].equals("nameserver")) {
					InetAddress address = IpLiterals.parse(fields[1]);
					if (address != null) {
						nameservers.add(new InetSocketAddress(address, 53));
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
		return nameservers;
	}

	/**
	 * {@code ip}, {@code ip:port}, {@code [v6]} or {@code [v6]:port}; null if none of
	 * them.
	 */
	static InetSocketAddress parse(String text) {
		String value = text.strip();
		String host = value;
		int port = 53;
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			if (end < 0) {
				return null;
			}
			host = value.substring(1, end);
			String rest = value.substring(end + 1);
			if (!rest.isEmpty()) {
				if (!rest.startsWith(":")) {
					return null;
				}
				port = port(rest.substring(1));
			}
		}
		else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
			host = value.substring(0, value.indexOf(':'));
			port = port(value.substring(value.indexOf(':') + 1));
		}
		InetAddress address = IpLiterals.parse(host);
		return (address == null || port < 1) ? null : new InetSocketAddress(address, port);
	}

	private static int port(String text) {
		try {
			int port = Integer.parseInt(text);
			return (port >= 1 && port <= 65535) ? port : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
