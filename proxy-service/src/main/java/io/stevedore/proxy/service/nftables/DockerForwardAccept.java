package io.stevedore.proxy.service.nftables;

import java.util.List;

import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.HostChains;
import io.stevedore.proxy.service.iptables.HostCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets Service traffic through Docker's {@code FORWARD} policy {@code DROP}. nftables
 * runs every base chain of a hook: an accept in this proxy's own table does not stop a
 * drop in another table, and Docker's chains (iptables', on iptables-nft or legacy) drop
 * what is forwarded to a pod on a Docker bridge from elsewhere (a NodePort reached from
 * another machine, a ClusterIP from a container on another Docker network). The one way
 * through is an accept in that chain itself: the iptables plane's accept rules
 * (masquerade-marked traffic, and connections translated to an address of the service
 * CIDR), in a chain of this proxy's jumped to first from {@code FORWARD}. Only written
 * when the policy is {@code DROP}; a host without iptables or without that policy gets
 * nothing.
 */
final class DockerForwardAccept {

	private static final Logger log = LoggerFactory.getLogger(DockerForwardAccept.class);

	private final HostCommands host;

	private final ChainNames names;

	private final String masqMark;

	private final String serviceCidr;

	private boolean warned;

	/**
	 * @param masqMark the masquerade bit as {@code 0x...}
	 */
	DockerForwardAccept(HostCommands host, ChainNames names, String masqMark, String serviceCidr) {
		this.host = host;
		this.names = names;
		this.masqMark = masqMark;
		this.serviceCidr = serviceCidr;
	}

	/**
	 * Writes the chain and the jump when the policy is DROP; cheap when both are there.
	 */
	void ensure() {
		HostCommands.Result forward = this.host.run(List.of("iptables", "-w", "5", "-S", "FORWARD"));
		if (!forward.ok()) {
			if (!this.warned) {
				log.info("no iptables FORWARD chain to open for Service traffic: {}", forward.output());
				this.warned = true;
			}
			return;
		}
		if (!forward.output().lines().anyMatch("-P FORWARD DROP"::equals)) {
			return;
		}
		String chain = this.names.forward();
		if (!forward.output().contains(" -j " + chain)) {
			HostCommands.Result restored = this.host.run(List.of("iptables-restore", "-w", "5", "--noflush"),
					rules(chain));
			if (!restored.ok()) {
				log.warn("cannot open Docker's FORWARD DROP policy for Service traffic: {}", restored.output());
				return;
			}
			log.info("FORWARD policy is DROP (Docker): Service traffic accepted by chain {}", chain);
		}
		HostChains.ensureAheadOf(this.host, new HostChains.Jump("filter", "FORWARD",
				"-m comment --comment \"" + this.names.jumpComment() + "\" -j " + chain));
	}

	/** Removes the chain and the jump, whichever run left them. */
	void remove() {
		HostChains.removeOwned(this.host, this.names::owns, List.of("filter"), this.names.prefix());
	}

	/** The chain, declared (so emptied) and filled in one restore. */
	String rules(String chain) {
		String mark = this.masqMark + "/" + this.masqMark;
		return "*filter\n" + ":" + chain + " - [0:0]\n" + "-A " + chain + " -m mark --mark " + mark + " -j ACCEPT\n"
				+ "-A " + chain + " -m conntrack --ctstate DNAT -m conntrack --ctorigdst " + this.serviceCidr
				+ " -j ACCEPT\n" + "-A " + chain
				+ " -m conntrack --ctstate RELATED,ESTABLISHED -m conntrack --ctorigdst " + this.serviceCidr
				+ " -j ACCEPT\n" + "COMMIT\n";
	}

}
