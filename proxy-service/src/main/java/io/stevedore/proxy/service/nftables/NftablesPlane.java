package io.stevedore.proxy.service.nftables;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.stevedore.proxy.service.iptables.Bisection;
import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.iptables.HostSetup;
import io.stevedore.proxy.service.iptables.LoopbackAddresses;
import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.ServicePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nftables kernel data plane: this proxy's own table, written by one {@code nft -f}
 * per sync (one transaction: the kernel holds the old rules or the new ones, never a
 * mix), the ClusterIPs on {@code lo} and a blackhole route for the service CIDR, as the
 * iptables plane. At start, after a refused write and every {@link #FULL_SYNC_PERIOD}
 * (which repairs a table someone else changed) the table is replaced whole ({@code add
 * table; delete table; table ... {...}}); otherwise a sync writes only the chains, map
 * elements and sets that differ from the last applied rendering, as kube-proxy's partial
 * syncs (replacing 1,000 Services' table takes seconds, one changed Service far less).
 * <p>
 * Unlike iptables, nothing is shared with other programs' rules but one: where Docker set
 * iptables' FORWARD policy to DROP, a chain of accepts jumped to from FORWARD
 * ({@link DockerForwardAccept}, checked every {@link #HOST_CHECK_PERIOD}); stopping is
 * deleting one table and that chain. A full rewrite (and a restart of the proxy) carries
 * the ClientIP affinity sets' elements over with the time they have left
 * ({@link AffinityCarryOver}), so a client keeps its endpoint across it.
 */
public final class NftablesPlane implements DataPlane {

	private static final Logger log = LoggerFactory.getLogger(NftablesPlane.class);

	static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);

	/** How often the FORWARD accept is checked (Docker may have rewritten FORWARD). */
	static final Duration HOST_CHECK_PERIOD = Duration.ofSeconds(10);

	private final HostCommands host;

	private final NftablesRenderer renderer;

	private final String serviceCidr;

	private final boolean cleanupOnClose;

	private final LoopbackAddresses loopback;

	private final DockerForwardAccept forwardAccept;

	private long lastHostCheck;

	/** What the kernel's table holds; null when unknown (start, after a failure). */
	private NftablesRenderer.Rendered applied;

	private boolean lastWasPartial;

	private long lastFullSync;

	/** Affinity read at start, before the old table was deleted, for the first write. */
	private Map<String, List<AffinityCarryOver.Element>> affinityAtStart = Map.of();

	/**
	 * @param labelPrefix the {@code lo} address label's prefix (the chain prefix)
	 */
	public NftablesPlane(HostCommands host, NftablesRenderer renderer, String labelPrefix, String serviceCidr,
			boolean cleanupOnClose) {
		this.host = host;
		this.renderer = renderer;
		this.serviceCidr = serviceCidr;
		this.cleanupOnClose = cleanupOnClose;
		this.loopback = new LoopbackAddresses(host, labelPrefix);
		this.forwardAccept = new DockerForwardAccept(host, new ChainNames(labelPrefix), renderer.masqueradeMark(),
				serviceCidr);
	}

	@Override
	public void start() {
		HostSetup.kernelSwitches(this.host);
		this.affinityAtStart = AffinityCarryOver.read(this.host, this.renderer.table());
		deleteTable();
		this.loopback.adopt();
		HostSetup.blackholeRoute(this.host, this.serviceCidr);
		this.forwardAccept.ensure();
		this.lastHostCheck = System.nanoTime();
	}

	@Override
	public ApplyResult apply(ProxyState state) {
		String addressProblem = this.loopback
			.sync(state.ports().stream().map(ServicePort::clusterIp).collect(Collectors.toCollection(TreeSet::new)));
		if (addressProblem != null) {
			log.warn("some ClusterIPs could not be added to lo: {}", addressProblem);
		}
		NftablesRenderer.Rendered rendered = this.renderer.render(state);
		long now = System.nanoTime();
		if (now - this.lastHostCheck > HOST_CHECK_PERIOD.toNanos()) {
			this.forwardAccept.ensure();
			this.lastHostCheck = now;
		}
		boolean full = this.applied == null || now - this.lastFullSync > FULL_SYNC_PERIOD.toNanos();
		HostCommands.Result result;
		if (full) {
			result = write(rendered);
		}
		else {
			String update = this.renderer.update(this.applied, rendered);
			result = update.isEmpty() ? new HostCommands.Result(0, "")
					: this.host.run(List.of("nft", "-f", "-"), update);
			if (!result.ok()) {
				log.warn("partial nft update refused, replacing the whole table: {}", result.output());
				full = true;
				result = write(rendered);
			}
		}
		this.lastWasPartial = !full;
		Map<String, String> failures = new HashMap<>();
		if (!result.ok()) {
			log.warn("nft refused the table, looking for the Services at fault: {}", result.output());
			List<String> keys = state.ports().stream().map(p -> p.name().serviceKey()).distinct().toList();
			Set<String> bad = Bisection.refused(keys, keep -> check(state, keep).ok());
			if (bad.isEmpty()) {
				return failed(result);
			}
			for (String key : bad) {
				failures.put(key, "the kernel refused this Service's rules: " + firstLine(check(state, Set.of(key))));
			}
			rendered = this.renderer.render(state.without(bad));
			result = write(rendered);
			if (!result.ok()) {
				return failed(result);
			}
		}
		this.applied = rendered;
		if (full) {
			this.lastFullSync = now;
			this.affinityAtStart = Map.of();
		}
		return new ApplyResult(true, failures, rendered.rules(), null);
	}

	/** The next sync replaces the whole table (benchmarks). */
	public void forceFullSync() {
		this.applied = null;
	}

	/** Whether the last applied sync was a partial update (tests, benchmarks). */
	public boolean lastWasPartial() {
		return this.lastWasPartial;
	}

	@Override
	public void close() {
		if (this.cleanupOnClose) {
			deleteTable();
			this.forwardAccept.remove();
			this.loopback.removeAll();
			this.host.run(List.of("ip", "route", "del", "blackhole", this.serviceCidr));
			log.info("removed the proxy's nftables table, Service addresses and route");
		}
	}

	/** The state with only the Services {@code keep}, checked by {@code nft -c}. */
	private HostCommands.Result check(ProxyState state, Set<String> keep) {
		Set<String> drop = state.ports()
			.stream()
			.map(p -> p.name().serviceKey())
			.filter(k -> !keep.contains(k))
			.collect(Collectors.toSet());
		return validate(this.renderer.render(state.without(drop)));
	}

	/**
	 * Replaces the table in one transaction, with the affinity the old one held (read
	 * just before, so the time lost is the few milliseconds of the write).
	 */
	private HostCommands.Result write(NftablesRenderer.Rendered rendered) {
		Map<String, List<AffinityCarryOver.Element>> carried = new HashMap<>(
				AffinityCarryOver.read(this.host, this.renderer.table()));
		this.affinityAtStart.forEach(carried::putIfAbsent);
		String table = this.renderer.table();
		String input = "add table ip " + table + "\ndelete table ip " + table + "\n" + rendered.table();
		String affinity = AffinityCarryOver.elements(table, carried, rendered.sets().keySet());
		HostCommands.Result result = this.host.run(List.of("nft", "-f", "-"), input + affinity);
		if (!result.ok() && !affinity.isEmpty()) {
			// The table is what matters: never let carried affinity cost a Service its
			// rules.
			log.warn("nft refused the table with the carried affinity, writing it without: {}", result.output());
			result = this.host.run(List.of("nft", "-f", "-"), input);
		}
		return result;
	}

	/** Checks that the kernel would take {@code rendered} ({@code nft -c}). */
	private HostCommands.Result validate(NftablesRenderer.Rendered rendered) {
		String table = this.renderer.table();
		String input = "add table ip " + table + "\ndelete table ip " + table + "\n" + rendered.table();
		return this.host.run(List.of("nft", "-c", "-f", "-"), input);
	}

	private ApplyResult failed(HostCommands.Result result) {
		this.applied = null;
		return ApplyResult.failed("nft -f failed: " + result.output());
	}

	/** Deletes the table, whichever run left it; a no-op when there is none. */
	private void deleteTable() {
		String table = this.renderer.table();
		HostCommands.Result result = this.host.run(List.of("nft", "-f", "-"),
				"add table ip " + table + "\ndelete table ip " + table + "\n");
		if (!result.ok()) {
			log.warn("cannot delete the nftables table {}: {}", table, result.output());
		}
		this.applied = null;
	}

	private static String firstLine(HostCommands.Result result) {
		return result.output().lines().filter(l -> !l.isBlank()).findFirst().orElse(result.output());
	}

}
