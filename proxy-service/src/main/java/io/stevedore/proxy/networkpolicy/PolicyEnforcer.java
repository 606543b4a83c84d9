package io.stevedore.proxy.networkpolicy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.stevedore.proxy.service.iptables.Bisection;
import io.stevedore.proxy.service.iptables.HostChains;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.iptables.RuleSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the NetworkPolicy chains into the kernel: one {@code iptables-restore --noflush}
 * of the filter chains that changed (a full one at start and after a refused restore),
 * and the jumps from FORWARD and INPUT kept first, ahead of Docker's rules and of the
 * Service plane's accept of DNATed traffic (only Docker's empty-by-default
 * {@code DOCKER-USER} jump may stay in front). When the kernel refuses, the policies at
 * fault are found by bisection with {@code --test}, left out and reported; the rest is
 * applied.
 */
public final class PolicyEnforcer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PolicyEnforcer.class);

	private static final Duration HOST_CHECK_PERIOD = Duration.ofSeconds(10);

	private final HostCommands host;

	private final PolicyRenderer renderer;

	private final boolean cleanupOnClose;

	private RuleSet applied = RuleSet.EMPTY;

	private boolean needFullSync = true;

	private long lastHostCheck;

	public PolicyEnforcer(HostCommands host, PolicyRenderer renderer, boolean cleanupOnClose) {
		this.host = host;
		this.renderer = renderer;
		this.cleanupOnClose = cleanupOnClose;
	}

	/** Removes what an earlier run left; makes bridged pod-to-pod traffic visible. */
	public void start() {
		// Without it, traffic between two pods on one Docker bridge never reaches
		// FORWARD.
		if (!this.host.writeSysctl("/proc/sys/net/bridge/bridge-nf-call-iptables", "1")) {
			log.warn("cannot set net.bridge.bridge-nf-call-iptables=1: traffic between pods on one bridge is not"
					+ " filtered (is the br_netfilter module loaded?)");
		}
		HostChains.removeOwned(this.host, this.renderer::owns, List.of("filter"), this.renderer.prefix());
		this.applied = RuleSet.EMPTY;
		this.needFullSync = true;
		this.lastHostCheck = 0;
	}

	/**
	 * Applies {@code rules}; {@code without} renders the rules without some policies (by
	 * {@code namespace/name}) when the kernel refuses.
	 * @return policies left out and why; null when nothing could be applied
	 */
	public Map<String, String> apply(RuleSet rules, List<String> policyKeys, Function<Set<String>, RuleSet> without) {
		boolean full = this.needFullSync;
		HostCommands.Result result = write(rules, full);
		if (!result.ok() && !full) {
			log.warn("partial NetworkPolicy restore refused, retrying with every chain: {}", result.output());
			full = true;
			result = write(rules, true);
		}
		Map<String, String> failures = new HashMap<>();
		if (!result.ok()) {
			log.warn("iptables-restore refused the NetworkPolicy rules, looking for the policies at fault: {}",
					result.output());
			Set<String> bad = Bisection.refused(policyKeys, keep -> test(without.apply(others(policyKeys, keep))));
			for (String key : bad) {
				String output = testOutput(without.apply(others(policyKeys, Set.of(key))));
				failures.put(key, "the kernel refused this NetworkPolicy's rules: " + firstLine(output));
			}
			rules = without.apply(bad);
			result = write(rules, true);
			if (!result.ok()) {
				this.applied = rules.union(this.applied);
				this.needFullSync = true;
				log.warn("NetworkPolicy rules not applied: {}", result.output());
				return null;
			}
		}
		this.applied = rules;
		this.needFullSync = false;
		long now = System.nanoTime();
		if (this.lastHostCheck == 0 || now - this.lastHostCheck > HOST_CHECK_PERIOD.toNanos()) {
			ensureJumps();
			this.lastHostCheck = now;
		}
		return failures;
	}

	/** Puts the jumps back in front now (tests; a periodic check does it too). */
	public void ensureJumps() {
		Function<String, HostChains.Jump> jump = chain -> new HostChains.Jump("filter", chain,
				"-j " + (chain.equals("FORWARD") ? this.renderer.forward() : this.renderer.input()));
		for (String chain : List.of("FORWARD", "INPUT")) {
			HostChains.ensureFirst(this.host, jump.apply(chain), line -> line.endsWith(" -j DOCKER-USER"));
		}
	}

	@Override
	public void close() {
		if (this.cleanupOnClose) {
			HostChains.removeOwned(this.host, this.renderer::owns, List.of("filter"), this.renderer.prefix());
		}
	}

	private HostCommands.Result write(RuleSet rules, boolean full) {
		String input = rules.restoreInput(this.applied, full);
		return input.isEmpty() ? new HostCommands.Result(0, "") : restore(input, false);
	}

	private boolean test(RuleSet rules) {
		return restore(rules.restoreInput(RuleSet.EMPTY, true), true).ok();
	}

	private String testOutput(RuleSet rules) {
		return restore(rules.restoreInput(RuleSet.EMPTY, true), true).output();
	}

	private HostCommands.Result restore(String input, boolean test) {
		List<String> command = test ? List.of("iptables-restore", "-w", "5", "--noflush", "--test")
				: List.of("iptables-restore", "-w", "5", "--noflush");
		return this.host.run(command, input);
	}

	/** Every key but {@code keep}. */
	private static Set<String> others(List<String> keys, Set<String> keep) {
		Set<String> out = new java.util.TreeSet<>(keys);
		out.removeAll(keep);
		return out;
	}

	private static String firstLine(String output) {
		return output.lines().filter(l -> !l.isBlank()).findFirst().orElse(output);
	}

}
