package io.stevedore.controller.workload;

import java.nio.charset.StandardCharsets;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A short stable hash of a pod template and the collision count (Kubernetes'
 * {@code controller.ComputeHash}: FNV-32a, safe-encoded), the value of the
 * {@code controller-revision-hash} label that tells a controller's current pods from old
 * ones.
 */
public final class TemplateHash {

	/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alikes. */
	private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

	private TemplateHash() {
	}

	public static String of(PodTemplateSpec template, Integer collisionCount) {
		// No collision yet (null or 0) hashes the same, so recording collisionCount=0 in
		// the
		// status does not change the revision.
		String json = Serialization.asJson(template)
				+ (collisionCount == null || collisionCount == 0 ? "" : ":" + collisionCount);
		int hash = 0x811c9dc5;
		for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x01000193;
		}
		String digits = Integer.toUnsignedString(hash);
		StringBuilder encoded = new StringBuilder();
		for (char c : digits.toCharArray()) {
			encoded.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
		}
		return encoded.toString();
	}

}
