package io.stevedore.nodeagent.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's token manager: one cached token per pod, audience and expiry, fetched
 * again once it is older than 80 % of its lifetime or 24 hours, whichever comes first.
 * The pod sync asks on every pass (at least every resync period), so a token is renewed
 * well before it expires. A failed renewal keeps a token that is still valid (the API may
 * be briefly away); an expired one is never handed out. Thread-safe: pods sync on several
 * workers.
 */
public final class TokenManager {

	private static final Logger log = LoggerFactory.getLogger(TokenManager.class);

	static final Duration MAX_TTL = Duration.ofHours(24);

	private final TokenRequests requests;

	private final Clock clock;

	private final Map<String, Issued> cache = new ConcurrentHashMap<>();

	public TokenManager(TokenRequests requests, Clock clock) {
		this.requests = requests;
		this.clock = clock;
	}

	/** The token to write for the pod; fetched when none is cached or it is due. */
	public String token(Pod pod, String audience, long expirationSeconds) throws VolumeException {
		String key = pod.getMetadata().getUid() + "/" + (audience == null ? "" : audience) + "/" + expirationSeconds;
		Instant now = this.clock.instant();
		Issued cached = this.cache.get(key);
		if (cached != null && !cached.due(now)) {
			return cached.token;
		}
		try {
			TokenRequest issued = this.requests.request(pod, audience, expirationSeconds);
			if (issued == null || issued.getStatus() == null || issued.getStatus().getToken() == null) {
				throw new IllegalStateException("the TokenRequest answer carries no token");
			}
			Instant expires = issued.getStatus().getExpirationTimestamp() == null ? now.plusSeconds(expirationSeconds)
					: Instant.parse(issued.getStatus().getExpirationTimestamp());
			Issued fresh = new Issued(issued.getStatus().getToken(), now, expires);
			this.cache.put(key, fresh);
			return fresh.token;
		}
		catch (RuntimeException ex) {
			if (cached != null && now.isBefore(cached.expires)) {
				log.warn("token renewal failed, keeping the current one pod={}/{} expires={} error=\"{}\"",
						pod.getMetadata().getNamespace(), pod.getMetadata().getName(), cached.expires, ex.getMessage());
				return cached.token;
			}
			String account = pod.getSpec().getServiceAccountName();
			throw new VolumeException("failed to fetch token: serviceaccounts \"" + account + "\" token request in "
					+ pod.getMetadata().getNamespace() + ": " + ex.getMessage());
		}
	}

	/** Drops the tokens of a pod that is gone. */
	public void forget(String uid) {
		this.cache.keySet().removeIf(key -> key.startsWith(uid + "/"));
	}

	private record Issued(String token, Instant issued, Instant expires) {

		/** Kubernetes' requiresRefresh: past 80 % of the lifetime, or 24 h old. */
		boolean due(Instant now) {
			Duration ttl = Duration.between(this.issued, this.expires);
			Instant refreshAt = this.issued.plus(ttl.multipliedBy(8).dividedBy(10));
			return !now.isBefore(refreshAt) || !now.isBefore(this.issued.plus(MAX_TTL));
		}

	}

}
