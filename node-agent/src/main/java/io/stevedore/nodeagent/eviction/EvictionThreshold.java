package io.stevedore.nodeagent.eviction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * One hard eviction threshold, {@code signal<quantity} or {@code signal<percent%} of the
 * signal's capacity (the kubelet's {@code --eviction-hard}).
 *
 * @param signal what is watched
 * @param quantity the amount below which the threshold is met, or -1 when a percentage
 * @param percent the share of capacity below which it is met, when quantity is -1
 */
public record EvictionThreshold(EvictionSignal signal, long quantity, double percent) {

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

	@Override
	public String toString() {
		return this.signal.text() + "<" + (this.quantity >= 0 ? Long.toString(this.quantity) : this.percent + "%");
	}

}
