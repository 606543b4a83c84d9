package io.stevedore.nodeagent.stats;

/**
 * The last two samples of one container or of the node: enough for a rate, as cAdvisor
 * keeps a short history for the kubelet.
 *
 * @param previous null until a second sample exists
 */
public record Series(Sample previous, Sample latest) {

	public Series next(Sample sample) {
		return new Series(this.latest, sample);
	}

	public static Series first(Sample sample) {
		return new Series(null, sample);
	}

	public Long nanoCores() {
		return this.latest.nanoCoresSince(this.previous);
	}

}
