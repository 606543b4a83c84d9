package io.stevedore.machinery.printers;

import java.time.Duration;

/**
 * Kubernetes' human duration format ({@code k8s.io/apimachinery/pkg/util/duration}
 * HumanDuration): the AGE column. Precision falls as the duration grows: seconds up to
 * two minutes, then minutes and seconds up to ten minutes, minutes up to three hours,
 * hours and minutes up to eight hours, hours up to two days, days and hours up to eight
 * days, days up to two years, then years and days.
 */
public final class HumanDuration {

	private HumanDuration() {
	}

	public static String format(Duration d) {
		long seconds = d.toSeconds();
		// up to two seconds of clock skew between machines reads as "now"
		if (seconds < -1) {
			return "<invalid>";
		}
		if (seconds < 0) {
			return "0s";
		}
		if (seconds < 60 * 2) {
			return seconds + "s";
		}
		long minutes = d.toMinutes();
		if (minutes < 10) {
			long s = seconds % 60;
			return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
		}
		if (minutes < 60 * 3) {
			return minutes + "m";
		}
		long hours = d.toHours();
		if (hours < 8) {
			long m = minutes % 60;
			return m == 0 ? hours + "h" : hours + "h" + m + "m";
		}
		if (hours < 48) {
			return hours + "h";
		}
		if (hours < 24 * 8) {
			long h = hours % 24;
			return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
		}
		if (hours < 24 * 365 * 2) {
			return hours / 24 + "d";
		}
		if (hours < 24 * 365 * 8) {
			long days = (hours / 24) % 365;
			return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
		}
		return hours / 24 / 365 + "y";
	}

}
