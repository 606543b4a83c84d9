package io.stevedore.proxy.service.iptables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

import io.stevedore.proxy.service.model.Endpoint;
import io.stevedore.proxy.service.model.ServicePortName;

/**
 * Names of this proxy's chains. Every name starts with the configured prefix, so two
 * proxies on one host (tests) never touch each other's chains, and a restarted proxy
 * finds the chains of its previous run. Per-service and per-endpoint chains carry a hash
 * as kube-proxy's do: iptables allows 28 characters, far less than a Service name.
 */
public final class ChainNames {

	private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9]{0,9}");

	private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

	private final String prefix;

	public ChainNames(String prefix) {
		if (prefix == null || !PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException(
					"stevedore.proxy.chain-prefix must be 1-10 upper-case letters or digits, starting with a letter, got \""
							+ prefix + "\"");
		}
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	/** Whether a chain belongs to this proxy. */
	public boolean owns(String chain) {
		return chain.startsWith(this.prefix + "-");
	}

	public String services() {
		return this.prefix + "-SERVICES";
	}

	public String nodePorts() {
		return this.prefix + "-NODEPORTS";
	}

	public String postrouting() {
		return this.prefix + "-POSTROUTING";
	}

	public String markMasq() {
		return this.prefix + "-MARK-MASQ";
	}

	public String forward() {
		return this.prefix + "-FORWARD";
	}

	public String firewall() {
		return this.prefix + "-FIREWALL";
	}

	public String svc(ServicePortName name) {
		return this.prefix + "-SVC-" + hash(name.toString() + "/" + name.protocol());
	}

	public String ext(ServicePortName name) {
		return this.prefix + "-EXT-" + hash(name.toString() + "/" + name.protocol());
	}

	public String local(ServicePortName name) {
		return this.prefix + "-XLB-" + hash(name.toString() + "/" + name.protocol());
	}

	public String sep(ServicePortName name, Endpoint endpoint) {
		return this.prefix + "-SEP-" + hash(name.toString() + "/" + name.protocol() + "/" + endpoint.address());
	}

	/** A comment tagging the jump rules this proxy adds to the built-in chains. */
	public String jumpComment() {
		return "stevedore-proxy " + this.prefix;
	}

	/** A 12-character base32 hash, as kube-proxy names its per-Service chains. */
	public static String hash(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			StringBuilder out = new StringBuilder(12);
			long bits = 0;
			for (int i = 0; i < 8; i++) {
				bits = (bits << 8) | (digest[i] & 0xFF);
			}
			for (int i = 0; i < 12; i++) {
				out.append(BASE32[(int) ((bits >>> (59 - 5 * i)) & 31)]);
			}
			return out.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
