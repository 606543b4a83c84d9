package io.stevedore.controller.certificates;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's {@code csrcleaner} for one CertificateSigningRequest: a
 * request is deleted an hour after it was approved, denied or failed, a day after it was
 * made if nobody decided, and as soon as the certificate it was issued has expired. Node
 * agents ask for a new certificate at every rotation, so without this the requests pile
 * up. Where Kubernetes looks every hour, this looks again exactly when the next deadline
 * of the request falls.
 */
final class CsrCleanerSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(CsrCleanerSync.class);

	static final Duration PENDING_EXPIRATION = Duration.ofHours(24);

	static final Duration DECIDED_EXPIRATION = Duration.ofHours(1);

	private final Function<String, CertificateSigningRequest> cache;

	private final Consumer<CertificateSigningRequest> delete;

	private final Clock clock;

	/**
	 * @param cache the informer's request of a name, null when gone
	 * @param delete deletes the request with its UID as precondition; one already gone is
	 * no failure
	 */
	CsrCleanerSync(Function<String, CertificateSigningRequest> cache, Consumer<CertificateSigningRequest> delete,
			Clock clock) {
		this.cache = cache;
		this.delete = delete;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		CertificateSigningRequest csr = this.cache.apply(key);
		if (csr == null || csr.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		Instant deadline = deadline(csr);
		Duration left = Duration.between(this.clock.instant(), deadline);
		if (left.isPositive()) {
			return Result.requeueAfter(left);
		}
		log.info("deleting CertificateSigningRequest {}: {}", key, why(csr, this.clock.instant()));
		this.delete.accept(csr);
		return Result.done();
	}

	/** When the request is to go: the earliest of the rules that apply to it. */
	static Instant deadline(CertificateSigningRequest csr) {
		Instant created = instant(csr.getMetadata().getCreationTimestamp()).orElse(Instant.EPOCH);
		Instant deadline = null;
		for (String type : new String[] { "Approved", "Denied", "Failed" }) {
			Optional<CertificateSigningRequestCondition> condition = Conditions.find(csr, type);
			if (condition.isPresent()) {
				Instant decided = instant(condition.get().getLastUpdateTime())
					.or(() -> instant(condition.get().getLastTransitionTime()))
					.orElse(created);
				deadline = earliest(deadline, decided.plus(DECIDED_EXPIRATION));
			}
		}
		if (deadline == null) {
			deadline = created.plus(PENDING_EXPIRATION);
		}
		Instant notAfter = certificateNotAfter(csr);
		return (notAfter != null) ? earliest(deadline, notAfter) : deadline;
	}

	private static String why(CertificateSigningRequest csr, Instant now) {
		Instant notAfter = certificateNotAfter(csr);
		if (notAfter != null && !notAfter.isAfter(now)) {
			return "its certificate expired at " + notAfter;
		}
		for (String type : new String[] { "Approved", "Denied", "Failed" }) {
			if (Conditions.find(csr, type).isPresent()) {
				return type.toLowerCase(Locale.ROOT) + " more than " + DECIDED_EXPIRATION.toHours() + "h ago";
			}
		}
		return "pending for more than " + PENDING_EXPIRATION.toHours() + "h";
	}

	/**
	 * The issued certificate's end of validity; null when none was issued or unreadable.
	 */
	static Instant certificateNotAfter(CertificateSigningRequest csr) {
		if (csr.getStatus() == null || csr.getStatus().getCertificate() == null
				|| csr.getStatus().getCertificate().isEmpty()) {
			return null;
		}
		try {
			byte[] pem = Base64.getDecoder().decode(csr.getStatus().getCertificate());
			X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(pem));
			return certificate.getNotAfter().toInstant();
		}
		catch (IllegalArgumentException | CertificateException ex) {
			return null;
		}
	}

	private static Optional<Instant> instant(String timestamp) {
		if (timestamp == null || timestamp.isEmpty()) {
			return Optional.empty();
		}
		try {
			return Optional.of(OffsetDateTime.parse(timestamp).toInstant());
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	private static Instant earliest(Instant a, Instant b) {
		return (a == null || b.isBefore(a)) ? b : a;
	}

}
