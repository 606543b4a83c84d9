package io.stevedore.nodeagent.bootstrap;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import io.stevedore.client.config.ReloadableClientCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's client certificate rotation ({@code --rotate-certificates}, client-go's
 * certificate manager): at a random point at 70-90 % of the current certificate's
 * lifetime ({@link RotationDeadline}) the agent makes a new key, asks for
 * {@code system:node:<name>} with a CertificateSigningRequest sent with its current
 * certificate (the csrapproving controller approves a node renewing itself through
 * {@code certificatesigningrequests/selfnodeclient}), waits for it, writes key and
 * certificate over the old files and reloads the client's TLS context, so new connections
 * authenticate with the new certificate while the process and its clients run on (see
 * {@link ReloadableClientCertificate} for connections already open).
 * <p>
 * A failed attempt is retried after 2 s, doubling up to 5 min, and never stops the agent.
 * Once the current certificate has expired it cannot authenticate a request any more: the
 * agent then asks with its bootstrap token, as a restart would.
 */
public final class CertificateRotation implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(CertificateRotation.class);

	static final Duration FIRST_RETRY = Duration.ofSeconds(2);

	static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

	/** Runs a task once after a delay. */
	@FunctionalInterface
	public interface Scheduler {

		void schedule(Runnable task, Duration delay);

	}

	/**
	 * The certificate the agent presents, which a rotation replaces: the client's
	 * ({@link ReloadableClientCertificate}) or the agent's serving certificate.
	 */
	public interface InUse {

		/** The current certificate; null when none was issued yet (rotated at once). */
		X509Certificate certificate();

		/** Reads the files just written and puts them in use; returns the new one. */
		X509Certificate reload();

		static InUse of(ReloadableClientCertificate client) {
			return new InUse() {
				@Override
				public X509Certificate certificate() {
					return client.certificate();
				}

				@Override
				public X509Certificate reload() {
					return client.reload();
				}
			};
		}

	}

	/** Asks the cluster for the request's certificate; returns it as PEM. */
	@FunctionalInterface
	public interface Signing extends Function<NodeCertificateRequest, String> {

	}

	private final String kind;

	private final String nodeName;

	private final InUse certificate;

	private final NodeCertificateFiles files;

	private final BiFunction<String, Duration, NodeCertificateRequest> requests;

	private final Duration duration;

	private final Signing withOwnCertificate;

	private final Signing withBootstrapToken;

	private final Clock clock;

	private final DoubleSupplier random;

	private final Scheduler scheduler;

	private int failures;

	private final AtomicLong renewErrors = new AtomicLong();

	private volatile boolean closed;

	CertificateRotation(String nodeName, ReloadableClientCertificate certificate, NodeCertificateFiles files,
			BiFunction<String, Duration, NodeCertificateRequest> requests, Duration duration,
			Signing withOwnCertificate, Signing withBootstrapToken, Clock clock, DoubleSupplier random,
			Scheduler scheduler) {
		this("client", nodeName, InUse.of(certificate), files, requests, duration, withOwnCertificate,
				withBootstrapToken, clock, random, scheduler);
	}

	/**
	 * @param kind what the certificate is for, in log lines: {@code client} or
	 * {@code serving}
	 * @param withBootstrapToken how to ask once the current certificate expired (for the
	 * serving certificate, which never authenticates the agent, the same as
	 * {@code withOwnCertificate})
	 */
	public CertificateRotation(String kind, String nodeName, InUse certificate, NodeCertificateFiles files,
			BiFunction<String, Duration, NodeCertificateRequest> requests, Duration duration,
			Signing withOwnCertificate, Signing withBootstrapToken, Clock clock, DoubleSupplier random,
			Scheduler scheduler) {
		this.kind = kind;
		this.nodeName = nodeName;
		this.certificate = certificate;
		this.files = files;
		this.requests = requests;
		this.duration = duration;
		this.withOwnCertificate = withOwnCertificate;
		this.withBootstrapToken = withBootstrapToken;
		this.clock = clock;
		this.random = random;
		this.scheduler = scheduler;
	}

	/** Schedules the first rotation, at once when its deadline has passed already. */
	public void start() {
		scheduleAtDeadline(this.certificate.certificate());
	}

	/** Failed attempts since the start (the kubelet's renew errors counter). */
	public long renewErrors() {
		return this.renewErrors.get();
	}

	/** Stops rotating: a scheduled or running attempt is abandoned. */
	@Override
	public void close() {
		this.closed = true;
	}

	/** One attempt, from the scheduler: on failure the next one is scheduled. */
	void rotate() {
		if (this.closed) {
			return;
		}
		X509Certificate rotated;
		try {
			rotated = rotateOnce();
		}
		catch (RuntimeException ex) {
			if (this.closed) {
				return;
			}
			this.renewErrors.incrementAndGet();
			Duration retry = retryDelay(++this.failures);
			log.warn("node {}: rotating the {} certificate failed (attempt {}), retrying in {}: {}", this.nodeName,
					this.kind, this.failures, retry, ex.getMessage());
			this.scheduler.schedule(this::rotate, retry);
			return;
		}
		this.failures = 0;
		scheduleAtDeadline(rotated);
	}

	/** A new key and certificate, written and in use; the old ones stay on failure. */
	X509Certificate rotateOnce() {
		X509Certificate current = this.certificate.certificate();
		Instant now = this.clock.instant();
		NodeCertificateRequest request = this.requests.apply(this.nodeName, this.duration);
		boolean expired = current == null || !now.isBefore(current.getNotAfter().toInstant());
		if (current != null && expired) {
			log.warn("node {}: {} certificate (serial {}) expired at {}: asking with the bootstrap token",
					this.nodeName, this.kind, serial(current), current.getNotAfter().toInstant());
		}
		String pem = (expired ? this.withBootstrapToken : this.withOwnCertificate).apply(request);
		X509Certificate issued = checked(pem, request, now);
		this.files.write(request.keyPem(), pem);
		X509Certificate loaded = this.certificate.reload();
		log.info("node {}: rotated its {} certificate: serial {} -> {}, valid until {}", this.nodeName, this.kind,
				serial(current), serial(loaded), issued.getNotAfter().toInstant());
		return loaded;
	}

	private static String serial(X509Certificate certificate) {
		return certificate == null ? "none" : certificate.getSerialNumber().toString(16);
	}

	/** What the cluster issued, refused unless it is for the new key and valid now. */
	private static X509Certificate checked(String pem, NodeCertificateRequest request, Instant now) {
		X509Certificate issued;
		try {
			issued = NodeCertificateFiles.parse(pem);
			if (!NodeCertificateFiles.signs(request.key().getPrivate(), issued)) {
				throw new IllegalStateException("the issued certificate is not for the new key");
			}
		}
		catch (CertificateException ex) {
			throw new IllegalStateException("the issued certificate cannot be read: " + ex.getMessage(), ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("the issued certificate cannot be checked: " + ex.getMessage(), ex);
		}
		if (!now.isBefore(issued.getNotAfter().toInstant())) {
			throw new IllegalStateException("the issued certificate expired at " + issued.getNotAfter().toInstant());
		}
		return issued;
	}

	private void scheduleAtDeadline(X509Certificate certificate) {
		if (this.closed) {
			return;
		}
		if (certificate == null) {
			log.info("node {}: no {} certificate issued yet: asking for one now", this.nodeName, this.kind);
			this.scheduler.schedule(this::rotate, Duration.ZERO);
			return;
		}
		Instant deadline = RotationDeadline.of(certificate, this.random);
		Duration delay = Duration.between(this.clock.instant(), deadline);
		if (delay.isNegative()) {
			delay = Duration.ZERO;
		}
		log.info("node {}: {} certificate (serial {}) valid until {}, rotation at {}", this.nodeName, this.kind,
				serial(certificate), certificate.getNotAfter().toInstant(), deadline);
		this.scheduler.schedule(this::rotate, delay);
	}

	static Duration retryDelay(int failures) {
		Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
		return delay.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay;
	}

	/** One daemon thread for the rotation's tasks. */
	public static Scheduler on(ScheduledExecutorService executor) {
		return (task, delay) -> executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

}
