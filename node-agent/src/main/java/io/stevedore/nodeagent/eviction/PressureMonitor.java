package io.stevedore.nodeagent.eviction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.stevedore.nodeagent.node.NodeEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's eviction manager: every run measures the signals against the thresholds
 * (hard and soft); a met threshold turns its node condition (MemoryPressure,
 * DiskPressure, PIDPressure) True, and the condition stays True until no threshold of it
 * has been met for the pressure transition period, so a node does not flap. When a
 * threshold is newly met the agent records EvictionThresholdMet on the Node and, for the
 * disk, reclaims what the node itself holds (unused images) first, as the kubelet does.
 * While a threshold is met (a soft one: for its grace period without a break; for the
 * disk: still met after that reclaim), one pod per run is evicted for the first starved
 * resource, memory first ({@link PodEvictor}).
 * <p>
 * Threading: {@link #run} from one scheduled task; {@link #conditions} from any thread.
 */
public final class PressureMonitor {

	private static final Logger log = LoggerFactory.getLogger(PressureMonitor.class);

	private static final Comparator<EvictionThreshold> EVICTION_ORDER = Comparator.comparing(EvictionThreshold::signal)
		.thenComparing(EvictionThreshold::soft);

	private final List<EvictionThreshold> thresholds;

	private final NodeSignals signals;

	private final Duration transitionPeriod;

	private final NodeEventSink events;

	private final Runnable reclaimDisk;

	private final Clock clock;

	private final PodEvictor evictor;

	/** Since when each threshold has been met without a break. */
	private final Map<EvictionThreshold, Instant> firstObserved = new HashMap<>();

	/** When each condition's thresholds were last met. */
	private final Map<String, Instant> lastMet = new HashMap<>();

	/** Per signal, how far above a met threshold it must come back to resolve it. */
	private final Map<EvictionSignal, EvictionThreshold> minimumReclaim;

	/**
	 * The thresholds met on the last run: the minimum reclaim keeps them met, and a
	 * signal not among them is newly met.
	 */
	private Set<EvictionThreshold> metThresholds = Set.of();

	private volatile Set<String> conditions = Set.of();

	public PressureMonitor(List<EvictionThreshold> thresholds, NodeSignals signals, Duration transitionPeriod,
			NodeEventSink events, Runnable reclaimDisk, Clock clock) {
		this(thresholds, signals, transitionPeriod, events, reclaimDisk, clock, null, Map.of());
	}

	/**
	 * @param evictor evicts a pod while a threshold is met; null to report conditions
	 * only
	 * @param minimumReclaim per signal, the amount above its threshold that resolves a
	 * met one ({@code eviction-minimum-reclaim})
	 */
	public PressureMonitor(List<EvictionThreshold> thresholds, NodeSignals signals, Duration transitionPeriod,
			NodeEventSink events, Runnable reclaimDisk, Clock clock, PodEvictor evictor,
			Map<EvictionSignal, EvictionThreshold> minimumReclaim) {
		this.evictor = evictor;
		this.minimumReclaim = Map.copyOf(minimumReclaim);
		this.thresholds = List.copyOf(thresholds);
		this.signals = signals;
		this.transitionPeriod = transitionPeriod;
		this.events = events;
		this.reclaimDisk = reclaimDisk;
		this.clock = clock;
	}

	/** The pressure conditions that are True now, e.g. {@code DiskPressure}. */
	public Set<String> conditions() {
		return this.conditions;
	}

	/** One observation; never throws. */
	public void run() {
		try {
			synchronize();
		}
		catch (RuntimeException ex) {
			log.warn("eviction signals not observed error=\"{}\"", ex.toString());
		}
	}

	void synchronize() {
		if (this.thresholds.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		Map<EvictionSignal, Observation> observed = this.signals.observe();
		Set<EvictionSignal> met = EnumSet.noneOf(EvictionSignal.class);
		// Of the thresholds met (a soft one for its grace period), the first starved
		// signal's, memory first, a hard one before a soft one.
		EvictionThreshold toReclaim = null;
		Set<EvictionThreshold> metNow = new HashSet<>();
		for (EvictionThreshold threshold : this.thresholds) {
			Observation observation = observed.get(threshold.signal());
			if (observation == null || !(threshold.met(observation)
					|| (this.metThresholds.contains(threshold) && belowMinimumReclaim(threshold, observation)))) {
				this.firstObserved.remove(threshold);
				continue;
			}
			metNow.add(threshold);
			// The condition does not wait for a soft threshold's grace period.
			met.add(threshold.signal());
			this.lastMet.put(threshold.signal().condition(), now);
			Instant since = this.firstObserved.computeIfAbsent(threshold, t -> now);
			if (Duration.between(since, now).compareTo(threshold.gracePeriod()) >= 0
					&& (toReclaim == null || EVICTION_ORDER.compare(threshold, toReclaim) < 0)) {
				toReclaim = threshold;
			}
		}
		Set<EvictionSignal> metBefore = EnumSet.noneOf(EvictionSignal.class);
		this.metThresholds.forEach(threshold -> metBefore.add(threshold.signal()));
		Set<String> resources = new TreeSet<>();
		for (EvictionSignal signal : met) {
			if (!metBefore.contains(signal)) {
				resources.add(signal.resource());
				log.warn("eviction threshold met signal={} observed={}", signal.text(), observed.get(signal));
			}
		}
		for (String resource : resources) {
			this.events.record("Warning", "EvictionThresholdMet", "Attempting to reclaim " + resource);
		}
		this.metThresholds = metNow;
		Set<String> pressure = new TreeSet<>();
		met.forEach(signal -> pressure.add(signal.condition()));
		this.lastMet.forEach((condition, at) -> {
			if (Duration.between(at, now).compareTo(this.transitionPeriod) < 0) {
				pressure.add(condition);
			}
		});
		this.conditions = Set.copyOf(pressure);
		if (toReclaim != null) {
			reclaim(toReclaim, observed.get(toReclaim.signal()));
		}
	}

	/** Met before and not yet the minimum reclaim above the threshold. */
	private boolean belowMinimumReclaim(EvictionThreshold threshold, Observation observation) {
		EvictionThreshold amount = this.minimumReclaim.get(threshold.signal());
		return amount != null && observation.available() < threshold.limit(observation) + amount.limit(observation);
	}

	/**
	 * The node's own unused images and dead containers first for the disk; a pod when
	 * that was not enough, or for any other resource.
	 */
	private void reclaim(EvictionThreshold threshold, Observation observation) {
		if (threshold.signal().condition().equals("DiskPressure")) {
			this.reclaimDisk.run();
			observation = this.signals.observe().get(threshold.signal());
			if (observation == null || !threshold.met(observation)) {
				log.info("eviction threshold no longer met after the node's own reclaim signal={}",
						threshold.signal().text());
				return;
			}
		}
		if (this.evictor != null) {
			this.evictor.evictOne(threshold, observation);
		}
	}

}
