package io.stevedore.nodeagent.eviction;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * One eviction threshold, {@code signal<quantity} or {@code signal<percent%} of the
 * signal's capacity: hard (the kubelet's {@code --eviction-hard}: pods go at once) or
 * soft ({@code --eviction-soft}: pods go only once the signal has stayed below it for its
 * grace period, and with a grace period of their own).
 *
 * @param signal what is watched
 * @param quantity the amount below which the threshold is met, or -1 when a percentage
 * @param percent the share of capacity below which it is met, when quantity is -1
 * @param soft whether it is a soft threshold
 * @param gracePeriod for a soft threshold, how long it must hold before pods are evicted
 */
public record EvictionThreshold(EvictionSignal signal, long quantity, double percent, boolean soft,
		Duration gracePeriod) {

	private static final String GO_DURATION_UNIT = "(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)";

	private static final Pattern GO_DURATION = Pattern.compile("(?:" + GO_DURATION_UNIT + ")+");

	private static final Pattern GO_DURATION_PART = Pattern.compile(GO_DURATION_UNIT);

	/** A hard threshold. */
	public EvictionThreshold(EvictionSignal signal, long quantity, double percent) {
		this(signal, quantity, percent, false, Duration.ZERO);
	}

	/**
	 * The kubelet's {@code addAllocatableThresholds}: while Node Allocatable is enforced
	 * on the pods' cgroups, each hard memory.available threshold holds for
	 * allocatableMemory.available too, so the pods as a whole are evicted from before
	 * their cgroup's limit makes the kernel kill one.
	 */
	public static List<EvictionThreshold> withAllocatable(List<EvictionThreshold> thresholds) {
		List<EvictionThreshold> all = new ArrayList<>(thresholds);
		for (EvictionThreshold threshold : thresholds) {
			if (threshold.signal == EvictionSignal.MEMORY_AVAILABLE && !threshold.soft) {
				all.add(new EvictionThreshold(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, threshold.quantity,
						threshold.percent));
			}
		}
		return all;
	}

	/** Whether an observation is below the threshold. */
	public boolean met(Observation observation) {
		return observation.available() < limit(observation);
	}

	/** The amount below which it is met, a percentage worked out of the capacity. */
	public long limit(Observation observation) {
		return this.quantity >= 0 ? this.quantity : (long) (observation.capacity() * this.percent / 100);
	}

	/**
	 * Parses {@code memory.available<100Mi,nodefs.available<10%}; blank means none.
	 * @throws IllegalArgumentException naming the property and the bad entry
	 */
	public static List<EvictionThreshold> parse(String property, String text) {
		List<EvictionThreshold> thresholds = new ArrayList<>();
		if (text == null || text.isBlank()) {
			return thresholds;
		}
		for (String entry : text.split(",")) {
			String trimmed = entry.strip();
			int lt = trimmed.indexOf('<');
			if (lt <= 0 || lt == trimmed.length() - 1) {
				throw new IllegalArgumentException(
						property + ": \"" + trimmed + "\" is not of the form signal<quantity or signal<percent%");
			}
			String name = trimmed.substring(0, lt);
			EvictionSignal signal = EvictionSignal.named(name)
				.orElseThrow(() -> new IllegalArgumentException(
						property + ": unsupported eviction signal \"" + name + "\", supported: "
								+ Arrays.stream(EvictionSignal.values()).map(EvictionSignal::text).toList()));
			String value = trimmed.substring(lt + 1);
			if (value.endsWith("%")) {
				double percent = number(property, trimmed, value.substring(0, value.length() - 1));
				if (percent < 0 || percent > 100) {
					throw new IllegalArgumentException(property + ": \"" + trimmed + "\": a percentage is 0-100");
				}
				thresholds.add(new EvictionThreshold(signal, -1, percent));
			}
			else {
				BigDecimal amount;
				try {
					amount = Quantity.getAmountInBytes(new Quantity(value));
				}
				catch (IllegalArgumentException | ArithmeticException ex) {
					throw new IllegalArgumentException(
							property + ": \"" + trimmed + "\": \"" + value + "\" is not a quantity", ex);
				}
				if (amount.signum() < 0) {
					throw new IllegalArgumentException(property + ": \"" + trimmed + "\" must not be negative");
				}
				thresholds.add(new EvictionThreshold(signal, amount.longValue(), 0));
			}
		}
		return thresholds;
	}

	private static double number(String property, String entry, String text) {
		try {
			return Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(property + ": \"" + entry + "\": \"" + text + "%\" is not a percentage",
					ex);
		}
	}

	/**
	 * Parses {@code eviction-soft} with its {@code eviction-soft-grace-period}
	 * ({@code memory.available=1m30s,nodefs.available=2m}), which must name every signal
	 * of it, as the kubelet requires.
	 * @throws IllegalArgumentException naming the property and the bad entry
	 */
	public static List<EvictionThreshold> parseSoft(String property, String text, String gracePeriodProperty,
			String gracePeriods) {
		Map<EvictionSignal, Duration> graces = new EnumMap<>(EvictionSignal.class);
		if (gracePeriods != null && !gracePeriods.isBlank()) {
			for (String entry : gracePeriods.split(",")) {
				String trimmed = entry.strip();
				int eq = trimmed.indexOf('=');
				String name = eq <= 0 ? trimmed : trimmed.substring(0, eq);
				EvictionSignal signal = EvictionSignal.named(name)
					.orElseThrow(() -> new IllegalArgumentException(gracePeriodProperty + ": \"" + trimmed
							+ "\" is not of the form signal=duration with a supported signal"));
				try {
					graces.put(signal, goDuration(trimmed.substring(eq + 1)));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(
							gracePeriodProperty + ": \"" + trimmed + "\": not a duration (e.g. 1m30s)", ex);
				}
			}
		}
		List<EvictionThreshold> soft = new ArrayList<>();
		for (EvictionThreshold threshold : parse(property, text)) {
			Duration grace = graces.get(threshold.signal());
			if (grace == null) {
				throw new IllegalArgumentException(gracePeriodProperty + ": no grace period for the soft eviction "
						+ "threshold " + threshold.signal().text());
			}
			soft.add(new EvictionThreshold(threshold.signal(), threshold.quantity(), threshold.percent(), true, grace));
		}
		return soft;
	}

	/**
	 * Parses {@code eviction-minimum-reclaim} ({@code nodefs.available=500Mi,
	 * imagefs.available=2%}): per signal, how far above its threshold the signal must
	 * come back before a met threshold counts as resolved.
	 * @return the amounts as thresholds of their signals (their {@link #limit} is the
	 * amount)
	 */
	public static Map<EvictionSignal, EvictionThreshold> parseMinimumReclaim(String property, String text) {
		Map<EvictionSignal, EvictionThreshold> amounts = new EnumMap<>(EvictionSignal.class);
		if (text == null || text.isBlank()) {
			return amounts;
		}
		for (String entry : text.split(",")) {
			String trimmed = entry.strip();
			if (trimmed.indexOf('=') <= 0 || trimmed.contains("<")) {
				throw new IllegalArgumentException(
						property + ": \"" + trimmed + "\" is not of the form signal=quantity or signal=percent%");
			}
			EvictionThreshold amount = parse(property, trimmed.replaceFirst("=", "<")).get(0);
			amounts.put(amount.signal(), amount);
		}
		return amounts;
	}

	/**
	 * A duration as the kubelet's flags write it: {@code 1m30s}, {@code 90s},
	 * {@code 1.5h}.
	 */
	private static Duration goDuration(String text) {
		Matcher part = GO_DURATION_PART.matcher(text);
		if (text.isEmpty() || !GO_DURATION.matcher(text).matches()) {
			throw new IllegalArgumentException("'" + text + "' is not a duration");
		}
		long nanos = 0;
		while (part.find()) {
			BigDecimal amount = new BigDecimal(part.group(1));
			long unit = switch (part.group(2)) {
				case "h" -> 3_600_000_000_000L;
				case "m" -> 60_000_000_000L;
				case "s" -> 1_000_000_000L;
				case "ms" -> 1_000_000L;
				case "us", "µs" -> 1_000L;
				default -> 1L;
			};
			nanos += amount.multiply(BigDecimal.valueOf(unit)).longValue();
		}
		return Duration.ofNanos(nanos);
	}

	@Override
	public String toString() {
		return this.signal.text() + "<" + (this.quantity >= 0 ? Long.toString(this.quantity) : this.percent + "%");
	}

}
