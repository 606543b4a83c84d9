package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS to and from the cluster DNS address bypasses connection tracking ({@code raw}
 * table, NOTRACK), as NodeLocal DNSCache does for its address. Two reasons: the Service
 * proxy rejects NEW, un-DNATed connections to any address of the service CIDR that is not
 * one of its Services ("no such service port"), and kube-dns is not one of its Services
 * (it carries the service-proxy-name label), so tracked queries to 10.96.0.10 would be
 * refused; and untracked UDP avoids conntrack's insertion races, the cause of Kubernetes'
 * well-known 5 s DNS timeouts. Nothing here needs NAT: the server owns the address. Rules
 * are inserted once (checked with {@code -C}) and deleted at stop.
 */
final class NotrackRules implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(NotrackRules.class);

	private static final String COMMENT = "stevedore cluster DNS: no conntrack";

	private final String iptables;

	private final List<List<String>> rules = new ArrayList<>();

	NotrackRules(InetAddress address, int port) {
		boolean v4 = address instanceof Inet4Address;
		this.iptables = v4 ? "iptables" : "ip6tables";
		String host = address.getHostAddress() + (v4 ? "/32" : "/128");
		for (String protocol : List.of("udp", "tcp")) {
			// Queries from pods (PREROUTING) and from the node itself (OUTPUT).
			this.rules.add(rule("PREROUTING", "-d", host, protocol, "--dport", port));
			this.rules.add(rule("OUTPUT", "-d", host, protocol, "--dport", port));
			// The answers, so they do not start a tracked connection of their own.
			this.rules.add(rule("OUTPUT", "-s", host, protocol, "--sport", port));
		}
	}

	/**
	 * Inserts the missing rules at the top of their chains; a failure is logged, not
	 * fatal.
	 */
	void apply() {
		for (List<String> rule : this.rules) {
			if (run("-C", rule) != 0 && run("-I", rule) != 0) {
				log.warn("Cannot exempt cluster DNS from conntrack ({} -t raw -I {}): queries to it may be "
						+ "refused by the Service proxy's rules", this.iptables, String.join(" ", rule));
			}
		}
	}

	/** Whether every rule is in place. */
	boolean present() {
		return this.rules.stream().allMatch((rule) -> run("-C", rule) == 0);
	}

	/**
	 * Deletes every rule of this address and port (one cluster DNS per machine owns
	 * them).
	 */
	@Override
	public void close() {
		for (List<String> rule : this.rules) {
			while (run("-C", rule) == 0 && run("-D", rule) == 0) {
				// A rule inserted twice (two starts racing) goes entirely.
			}
		}
	}

	private static List<String> rule(String chain, String direction, String host, String protocol, String portFlag,
			int port) {
		return List.of(chain, direction, host, "-p", protocol, "-m", protocol, portFlag, String.valueOf(port), "-m",
				"comment", "--comment", COMMENT, "-j", "NOTRACK");
	}

	private int run(String action, List<String> rule) {
		List<String> command = new ArrayList<>(List.of(this.iptables, "-w", "5", "-t", "raw", action));
		if (action.equals("-I")) {
			command.add(rule.get(0));
			command.add("1");
			command.addAll(rule.subList(1, rule.size()));
		}
		else {
			command.addAll(rule);
		}
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(15, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return -1;
			}
			if (process.exitValue() != 0 && !action.equals("-C")) {
				log.debug("{} failed: {}", command, output.strip());
			}
			return process.exitValue();
		}
		catch (IOException ex) {
			log.debug("cannot run {}: {}", this.iptables, ex.toString());
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
