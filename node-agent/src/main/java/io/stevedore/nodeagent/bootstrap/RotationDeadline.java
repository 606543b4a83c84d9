package io.stevedore.nodeagent.bootstrap;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When a running agent should ask for its next client certificate: kubelet's certificate
 * manager ({@code nextRotationDeadline}) picks a point between 70 % and 90 % of the
 * certificate's lifetime, at random so that nodes bootstrapped together do not all renew
 * at once, and early enough that a slow approval leaves time before expiry.
 */
public final class RotationDeadline {

	static final double EARLIEST = 0.7;

	static final double SPREAD = 0.2;

	private RotationDeadline() {
	}

	/**
	 * @param random a number in [0, 1), e.g.
	 * {@code ThreadLocalRandom.current()::nextDouble}
	 */
	public static Instant of(X509Certificate certificate, DoubleSupplier random) {
		return of(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), random);
	}

	static Instant of(Instant notBefore, Instant notAfter, DoubleSupplier random) {
		double r = random.getAsDouble();
		if (!(r >= 0 && r < 1)) {
			throw new IllegalArgumentException("random must be in [0, 1), got " + r);
		}
		long lifetimeMillis = Duration.between(notBefore, notAfter).toMillis();
		return notBefore.plusMillis(Math.round(lifetimeMillis * (EARLIEST + SPREAD * r)));
	}

}
