package io.stevedore.apiserver.allocation;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 service CIDR such as {@code 10.96.0.0/12}. Members are addressed by offset from
 * the network address; the network and broadcast addresses are never handed out, and
 * offset 1 is the {@code kubernetes} Service's, as in Kubernetes.
 */
public final class ServiceCidr {

	private final long network;

	private final int prefixLength;

	private final String text;

	public ServiceCidr(String cidr) {
		int slash = cidr.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException("service CIDR must look like 10.96.0.0/12, got " + cidr);
		}
		this.prefixLength = Integer.parseInt(cidr.substring(slash + 1));
		if (this.prefixLength < 8 || this.prefixLength > 30) {
			throw new IllegalArgumentException("service CIDR prefix must be between /8 and /30, got " + cidr);
		}
		long base = toLong(cidr.substring(0, slash));
		if (base < 0) {
			throw new IllegalArgumentException("service CIDR must be IPv4, got " + cidr);
		}
		long mask = (0xFFFFFFFFL << (32 - this.prefixLength)) & 0xFFFFFFFFL;
		this.network = base & mask;
		this.text = cidr;
	}

	/** Addresses in the block, network and broadcast included. */
	public long size() {
		return 1L << (32 - this.prefixLength);
	}

	/** The offset of default/kubernetes' ClusterIP, the block's first address. */
	public static final long KUBERNETES_SERVICE_OFFSET = 1;

	/** The first offset a Service may get on its own (1 is the kubernetes Service's). */
	public long firstAllocatable() {
		return KUBERNETES_SERVICE_OFFSET + 1;
	}

	/**
	 * The offset of an address in this block, or -1 when it is not an IPv4 address inside
	 * it.
	 */
	public long offsetOf(String ip) {
		if (ip == null || ip.isEmpty() || ip.equals("None")) {
			return -1;
		}
		long value = toLong(ip);
		if (value < 0 || value < this.network || value >= this.network + size()) {
			return -1;
		}
		return value - this.network;
	}

	public String addressAt(long offset) {
		long value = this.network + offset;
		return ((value >> 24) & 0xFF) + "." + ((value >> 16) & 0xFF) + "." + ((value >> 8) & 0xFF) + "."
				+ (value & 0xFF);
	}

	@Override
	public String toString() {
		return this.text;
	}

	private static long toLong(String ip) {
		// Only dotted quads: never let InetAddress resolve a host name.
		if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
			return -1;
		}
		try {
			InetAddress address = InetAddress.getByName(ip);
			if (!(address instanceof Inet4Address)) {
				return -1;
			}
			byte[] b = address.getAddress();
			return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
		}
		catch (UnknownHostException ex) {
			return -1;
		}
	}

}
