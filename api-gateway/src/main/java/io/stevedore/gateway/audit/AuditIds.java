package io.stevedore.gateway.audit;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Audit IDs: random (version 4) UUIDs, as kube-apiserver makes them. Not from
 * {@link UUID#randomUUID()}: its shared SecureRandom (a lock and a SHA-1 per call) was 3
 * % of the gateway's CPU per GET. An audit ID is an identifier, not a secret (a client
 * may even choose its own with the {@code Audit-ID} header in Kubernetes), so it needs to
 * be unique, not unpredictable: each thread draws from its own generator, seeded from the
 * SecureRandom.
 */
public final class AuditIds {

	private static final SecureRandom SEEDS = new SecureRandom();

	private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal
		.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));

	private AuditIds() {
	}

	public static String next() {
		SplittableRandom random = RANDOM.get();
		long most = random.nextLong();
		long least = random.nextLong();
		// version 4, IETF variant
		most = (most & ~0xF000L) | 0x4000L;
		least = (least & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
		return new UUID(most, least).toString();
	}

}
