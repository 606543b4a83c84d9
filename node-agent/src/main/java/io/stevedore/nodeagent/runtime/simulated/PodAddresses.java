package io.stevedore.nodeagent.runtime.simulated;

import java.util.BitSet;

/**
 * Hands out the IPv4 addresses of one block to simulated sandboxes and takes them back,
 * so a long-running simulated node does not run out. The block's first address and its
 * last (network and broadcast, as on a real bridge) are never given.
 */
final class PodAddresses {

	private final int base;

	private final int size;

	private final BitSet used = new BitSet();

	private int next = 1;

	private final int prefix;

	private PodAddresses(int base, int prefix) {
		this.base = base;
		this.prefix = prefix;
		this.size = 1 << (32 - prefix);
	}

	int base() {
		return this.base;
	}

	int prefix() {
		return this.prefix;
	}

	/** {@code 10.1.0.0/16}; the prefix must leave room for at least two pods (≤ /30). */
	static PodAddresses parse(String cidr) {
		String[] parts = cidr.split("/", -1);
		if (parts.length != 2) {
			throw invalid(cidr);
		}
		String[] octets = parts[0].split("\\.", -1);
		if (octets.length != 4) {
			throw invalid(cidr);
		}
		int address = 0;
		int prefix;
		try {
			for (String octet : octets) {
				int value = Integer.parseInt(octet);
				if (value < 0 || value > 255) {
					throw invalid(cidr);
				}
				address = (address << 8) | value;
			}
			prefix = Integer.parseInt(parts[1]);
		}
		catch (NumberFormatException ex) {
			throw invalid(cidr);
		}
		if (prefix < 8 || prefix > 30) {
			throw new IllegalArgumentException(
					"stevedore.node.simulated.pod-cidr: prefix of \"" + cidr + "\" must be from /8 to /30");
		}
		int mask = -1 << (32 - prefix);
		return new PodAddresses(address & mask, prefix);
	}

	/** A /16 of 100.64.0.0/10 chosen by the node's name. */
	static PodAddresses forNode(String nodeName) {
		int block = Math.floorMod(nodeName.hashCode(), 64);
		return parse("100." + (64 + block) + ".0.0/16");
	}

	synchronized String allocate() {
		for (int tried = 0; tried < this.size; tried++) {
			int offset = this.next;
			this.next = this.next + 1 >= this.size - 1 ? 1 : this.next + 1;
			if (!this.used.get(offset)) {
				this.used.set(offset);
				return format(this.base + offset);
			}
		}
		throw new IllegalStateException("no free pod address left in " + format(this.base) + "/"
				+ (32 - Integer.numberOfTrailingZeros(this.size)));
	}

	synchronized void release(String ip) {
		int offset = toInt(ip) - this.base;
		if (offset > 0 && offset < this.size - 1) {
			this.used.clear(offset);
		}
	}

	private static int toInt(String ip) {
		int value = 0;
		for (String octet : ip.split("\\.")) {
			value = (value << 8) | Integer.parseInt(octet);
		}
		return value;
	}

	static String format(int address) {
		return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
				+ (address & 0xff);
	}

	private static IllegalArgumentException invalid(String cidr) {
		return new IllegalArgumentException(
				"stevedore.node.simulated.pod-cidr must be an IPv4 block such as 10.1.0.0/16, got \"" + cidr + "\"");
	}

}
