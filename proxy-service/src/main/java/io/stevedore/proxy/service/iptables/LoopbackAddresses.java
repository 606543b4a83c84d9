package io.stevedore.proxy.service.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps exactly the wanted ClusterIPs on {@code lo} as /32 addresses, labelled
 * {@code lo:<prefix>} so a restarted proxy recognises (and removes) the ones of its
 * previous run and two proxies on one host keep apart. A VIP on {@code lo} is a local
 * route: it outranks the blackhole route of the service CIDR, so the node itself can
 * connect to a ClusterIP while nothing to the CIDR ever leaves the machine.
 */
public final class LoopbackAddresses {

	private static final Logger log = LoggerFactory.getLogger(LoopbackAddresses.class);

	private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/32 .*?(lo:[A-Z0-9]+)");

	private final HostCommands host;

	private final String label;

	private final Set<String> present = new TreeSet<>();

	public LoopbackAddresses(HostCommands host, String prefix) {
		this.host = host;
		this.label = "lo:" + prefix;
	}

	/**
	 * Adopts the addresses of a previous run (they are removed on the next sync if
	 * unwanted).
	 */
	public synchronized void adopt() {
		this.present.clear();
		this.present.addAll(labelled());
	}

	/**
	 * Adds and removes addresses in one {@code ip -batch}; returns the problems, if any.
	 */
	public synchronized String sync(Set<String> wanted) {
		List<String> commands = new ArrayList<>();
		for (String ip : this.present) {
			if (!wanted.contains(ip)) {
				commands.add("address del " + ip + "/32 dev lo");
			}
		}
		for (String ip : wanted) {
			if (!this.present.contains(ip)) {
				commands.add("address add " + ip + "/32 dev lo label " + this.label);
			}
		}
		if (commands.isEmpty()) {
			return null;
		}
		HostCommands.Result result = this.host.run(List.of("ip", "-force", "-batch", "-"),
				String.join("\n", commands) + "\n");
		// Re-read rather than trust the batch: -force goes on after an error.
		this.present.clear();
		this.present.addAll(labelled());
		if (!result.ok()) {
			log.warn("ip address batch failed: {}", result.output());
			return result.output();
		}
		return null;
	}

	public synchronized Set<String> present() {
		return Set.copyOf(this.present);
	}

	public synchronized void removeAll() {
		sync(Set.of());
	}

	private Set<String> labelled() {
		HostCommands.Result result = this.host.run(List.of("ip", "-4", "-o", "addr", "show", "dev", "lo"));
		Set<String> found = new TreeSet<>();
		for (String line : result.output().split("\n")) {
			Matcher m = INET.matcher(line);
			if (m.find() && m.group(2).equals(this.label)) {
				found.add(m.group(1));
			}
		}
		return found;
	}

}
