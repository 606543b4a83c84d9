package io.stevedore.controller.bootstrap;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' tokencleaner for one Secret: a bootstrap token Secret whose
 * {@code expiration} has passed (or cannot be parsed, which Kubernetes treats as expired)
 * is deleted; one that expires later is looked at again when it expires. Secrets without
 * an expiration, of another type or being deleted are left alone.
 */
final class TokenCleanerSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(TokenCleanerSync.class);

	static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";

	static final String EXPIRATION = "expiration";

	private final Function<String, Secret> cache;

	private final Consumer<Secret> delete;

	private final Clock clock;

	/**
	 * @param cache the informer's Secret of a {@code namespace/name} key, null when gone
	 * @param delete deletes the Secret with its UID as precondition (so a token made
	 * again under the same name is never taken for the expired one); a Secret already
	 * gone is no failure
	 */
	TokenCleanerSync(Function<String, Secret> cache, Consumer<Secret> delete, Clock clock) {
		this.cache = cache;
		this.delete = delete;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Secret secret = this.cache.apply(key);
		if (secret == null || !SECRET_TYPE.equals(secret.getType())
				|| secret.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		String expiration = data(secret, EXPIRATION);
		if (expiration == null || expiration.isEmpty()) {
			return Result.done();
		}
		Duration ttl;
		try {
			ttl = Duration.between(this.clock.instant(), OffsetDateTime.parse(expiration).toInstant());
		}
		catch (DateTimeParseException ex) {
			log.info("bootstrap token secret {} has an unparseable expiration {}: treated as expired", key, expiration);
			ttl = Duration.ZERO;
		}
		if (ttl.isPositive()) {
			return Result.requeueAfter(ttl);
		}
		log.info("deleting expired bootstrap token secret {} (expiration {})", key, expiration);
		this.delete.accept(secret);
		return Result.done();
	}

	/**
	 * A data value; Kubernetes' tokencleaner reads data only (stringData is write-only).
	 */
	private static String data(Secret secret, String key) {
		if (secret.getData() == null || secret.getData().get(key) == null) {
			return null;
		}
		try {
			return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return "";
		}
	}

}
