package io.stevedore.nodeagent.gc;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When unused images go (the kubelet's ImageGCPolicy and its flags): once the image file
 * system is {@code highThresholdPercent} full, the least recently used images, none
 * younger than {@code minimumAge}, until it is down to {@code lowThresholdPercent}; and,
 * when {@code maximumAge} is set, any image unused that long whatever the disk says.
 * {@code highThresholdPercent} 100 turns the disk-driven collection off.
 *
 * @param highThresholdPercent the usage that starts a collection
 * @param lowThresholdPercent the usage a collection brings the disk down to
 * @param minimumAge how long an image stays after it was first seen, used or not
 * @param maximumAge how long an unused image may stay; zero for no limit
 * @param period how often the images are looked at
 */
public record ImageGcPolicy(@DefaultValue("85") int highThresholdPercent, @DefaultValue("80") int lowThresholdPercent,
		@DefaultValue("2m") Duration minimumAge, @DefaultValue("0s") Duration maximumAge,
		@DefaultValue("5m") Duration period) {

	private static final String PREFIX = "stevedore.node.image-gc.";

	public ImageGcPolicy {
		percent("high-threshold-percent", highThresholdPercent);
		percent("low-threshold-percent", lowThresholdPercent);
		if (lowThresholdPercent >= highThresholdPercent) {
			throw new IllegalArgumentException(PREFIX + "low-threshold-percent (" + lowThresholdPercent
					+ ") must be below " + PREFIX + "high-threshold-percent (" + highThresholdPercent + ")");
		}
		if (minimumAge == null || minimumAge.isNegative()) {
			throw new IllegalArgumentException(PREFIX + "minimum-age must not be negative, got " + minimumAge);
		}
		if (maximumAge == null || maximumAge.isNegative()) {
			throw new IllegalArgumentException(PREFIX + "maximum-age must not be negative, got " + maximumAge);
		}
		if (!maximumAge.isZero() && maximumAge.compareTo(minimumAge) <= 0) {
			throw new IllegalArgumentException(PREFIX + "maximum-age (" + maximumAge + ") must be longer than " + PREFIX
					+ "minimum-age (" + minimumAge + ")");
		}
		if (period == null || period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException(PREFIX + "period must be a positive duration, got " + period);
		}
	}

	/** The kubelet's defaults: 85 %, 80 %, 2 minutes, no maximum age, every 5 minutes. */
	public static ImageGcPolicy defaults() {
		return new ImageGcPolicy(85, 80, Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(5));
	}

	private static void percent(String name, int value) {
		if (value < 0 || value > 100) {
			throw new IllegalArgumentException(PREFIX + name + " must be 0-100, got " + value);
		}
	}

}
