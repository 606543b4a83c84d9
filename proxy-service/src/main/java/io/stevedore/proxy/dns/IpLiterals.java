package io.stevedore.proxy.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.xbill.DNS.Address;

/**
 * IP literals without ever resolving a name: {@link InetAddress#getByName} would send a
 * DNS query for anything that is not a literal, and this is the DNS server.
 */
final class IpLiterals {

	private IpLiterals() {
	}

	/**
	 * The address of a literal, or null when {@code text} is not an IPv4 or IPv6 literal.
	 */
	static InetAddress parse(String text) {
		if (text == null) {
			return null;
		}
		String host = text.strip();
		int scope = host.indexOf('%');
		String bare = scope >= 0 ? host.substring(0, scope) : host;
		byte[] bytes = Address.toByteArray(bare, Address.IPv4);
		if (bytes == null) {
			bytes = Address.toByteArray(bare, Address.IPv6);
		}
		if (bytes == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** One spelling per address (IPv6 in full form), or null when not a literal. */
	static String normalize(String text) {
		InetAddress address = parse(text);
		return address == null ? null : address.getHostAddress();
	}

	/**
	 * The address as one DNS label: {@code 10.1.2.3} is {@code 10-1-2-3}, IPv6 colons
	 * become dashes, as CoreDNS names pods and endpoints without a hostname.
	 */
	static String dashed(String ip) {
		return ip.replace('.', '-').replace(':', '-');
	}

	/** The address a dashed label stands for, or null. */
	static InetAddress undashed(String label) {
		if (label.indexOf('-') < 0) {
			return null;
		}
		InetAddress v4 = label.chars().filter((c) -> c == '-').count() == 3 ? parse(label.replace('-', '.')) : null;
		if (v4 != null && v4.getAddress().length == 4) {
			return v4;
		}
		InetAddress v6 = parse(label.replace('-', ':'));
		return (v6 != null && v6.getAddress().length == 16) ? v6 : null;
	}

}
