package io.stevedore.nodeagent.eviction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.stevedore.nodeagent.node.NodeEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The condition half of the kubelet's eviction manager: every run measures the signals
 * against the hard thresholds; a met threshold turns its node condition (MemoryPressure,
 * DiskPressure, PIDPressure) True, and the condition stays True until no threshold of it
 * has been met for the pressure transition period, so a node does not flap. When a
 * threshold is newly met the agent records EvictionThresholdMet on the Node and, for the
 * disk, reclaims what the node itself holds (unused images) first, as the kubelet does.
 * Pods are not evicted by this agent.
 * <p>
 * Threading: {@link #run} from one scheduled task; {@link #conditions} from any thread.
 */
public final class PressureMonitor {

	private static final Logger log = LoggerFactory.getLogger(PressureMonitor.class);

	private final List<EvictionThreshold> thresholds;

	private final NodeSignals signals;

	private final Duration transitionPeriod;

	private final NodeEventSink events;

	private final Runnable reclaimDisk;

	private final Clock clock;

	/** When each condition's thresholds were last met. */
	private final Map<String, Instant> lastMet = new HashMap<>();

	private Set<EvictionSignal> metBefore = EnumSet.noneOf(EvictionSignal.class);

	private volatile Set<String> conditions = Set.of();

	public PressureMonitor(List<EvictionThreshold> thresholds, NodeSignals signals, Duration transitionPeriod,
			NodeEventSink events, Runnable reclaimDisk, Clock clock) {
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
		for (EvictionThreshold threshold : this.thresholds) {
			Observation observation = observed.get(threshold.signal());
			if (observation != null && threshold.met(observation)) {
				met.add(threshold.signal());
				this.lastMet.put(threshold.signal().condition(), now);
			}
		}
		Set<String> resources = new TreeSet<>();
		boolean disk = false;
		for (EvictionSignal signal : met) {
			if (!this.metBefore.contains(signal)) {
				resources.add(signal.resource());
				disk |= signal.condition().equals("DiskPressure");
				log.warn("eviction threshold met signal={} observed={}", signal.text(), observed.get(signal));
			}
		}
		for (String resource : resources) {
			this.events.record("Warning", "EvictionThresholdMet", "Attempting to reclaim " + resource);
		}
		if (disk) {
			this.reclaimDisk.run();
		}
		this.metBefore = met;
		Set<String> pressure = new TreeSet<>();
		met.forEach(signal -> pressure.add(signal.condition()));
		this.lastMet.forEach((condition, at) -> {
			if (Duration.between(at, now).compareTo(this.transitionPeriod) < 0) {
				pressure.add(condition);
			}
		});
		this.conditions = Set.copyOf(pressure);
	}

}
