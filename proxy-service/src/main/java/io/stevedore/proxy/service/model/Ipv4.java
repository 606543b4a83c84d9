package io.stevedore.proxy.service.model;

import java.util.regex.Pattern;

/** IPv4 text checks: the planes only program dotted-quad IPv4 addresses. */
public final class Ipv4 {

	private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

	private Ipv4() {
	}

	public static boolean isValid(String text) {
		if (text == null) {
			return false;
		}
		var m = DOTTED.matcher(text);
		if (!m.matches()) {
			return false;
		}
		for (int i = 1; i <= 4; i++) {
			if (Integer.parseInt(m.group(i)) > 255) {
				return false;
			}
		}
		return true;
	}

	public static boolean isLoopback(String ip) {
		return ip.startsWith("127.");
	}

	/** The address as an unsigned 32-bit value. */
	public static long toLong(String ip) {
		String[] parts = ip.split("\\.");
		long value = 0;
		for (String part : parts) {
			value = (value << 8) | Integer.parseInt(part);
		}
		return value;
	}

	/** Whether {@code ip} lies in {@code cidr} ({@code a.b.c.d/n}). */
	public static boolean inCidr(String ip, String cidr) {
		String[] parts = cidr.split("/");
		int bits = Integer.parseInt(parts[1]);
		long mask = (bits == 0) ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
		return (toLong(ip) & mask) == (toLong(parts[0]) & mask);
	}

	/** Rejects anything but a valid {@code a.b.c.d/n}, naming the setting. */
	public static String checkCidr(String property, String cidr) {
		String[] parts = (cidr == null) ? new String[0] : cidr.split("/");
		if (parts.length != 2 || !isValid(parts[0]) || !parts[1].matches("\\d{1,2}")
				|| Integer.parseInt(parts[1]) > 32) {
			throw new IllegalArgumentException(
					property + " must be an IPv4 CIDR like 10.96.0.0/12, got \"" + cidr + "\"");
		}
		return cidr;
	}

}
