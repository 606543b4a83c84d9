package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Bootstrap tokens, Kubernetes' {@code --enable-bootstrap-token-auth}: a bearer
 * {@code <id>.<secret>} is checked against the Secret
 * {@code kube-system/bootstrap-token-<id>} of type {@code bootstrap.kubernetes.io/token}
 * (usage-bootstrap-authentication "true", not expired, not being deleted, secret equal in
 * constant time). The user is {@code system:bootstrap:<id>} in
 * {@code system:bootstrappers}, the token's auth-extra-groups and
 * {@code system:authenticated}: enough for a node agent to ask for its certificate.
 * <p>
 * Tokens of another shape are not this authenticator's (ServiceAccount JWTs, static
 * tokens); a token of this shape that does not match its Secret is refused.
 */
public final class BootstrapTokenAuthenticator implements BearerTokenAuthenticator {

	private static final Logger log = LoggerFactory.getLogger(BootstrapTokenAuthenticator.class);

	public static final String NAMESPACE = "kube-system";

	public static final String SECRET_PREFIX = "bootstrap-token-";

	public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";

	public static final String USER_PREFIX = "system:bootstrap:";

	public static final String GROUP = "system:bootstrappers";

	static final Pattern TOKEN = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");

	/**
	 * Extra groups must be bootstrappers' subgroups (Kubernetes' BootstrapGroupPattern).
	 */
	static final Pattern EXTRA_GROUP = Pattern.compile("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$");

	private final Function<String, Mono<Secret>> secrets;

	private final Clock clock;

	/**
	 * @param secrets the Secret of a name in kube-system, empty when there is none
	 */
	public BootstrapTokenAuthenticator(Function<String, Mono<Secret>> secrets, Clock clock) {
		this.secrets = secrets;
		this.clock = clock;
	}

	@Override
	public Mono<Authentication> authenticate(String token) {
		Matcher m = TOKEN.matcher(token);
		if (!m.matches()) {
			return Mono.just(Authentication.NO_CREDENTIALS);
		}
		String id = m.group(1);
		String secret = m.group(2);
		return this.secrets.apply(SECRET_PREFIX + id)
			.map(s -> check(s, id, secret))
			.defaultIfEmpty(refuse(id, "no secret " + NAMESPACE + "/" + SECRET_PREFIX + id));
	}

	/**
	 * Tokens of another shape are not this authenticator's; one of its shape needs its
	 * Secret, which may have to be read.
	 */
	@Override
	public Authentication authenticateNow(String token) {
		return token == null || !TOKEN.matcher(token).matches() ? Authentication.NO_CREDENTIALS : null;
	}

	/** The decision for one Secret; pure, so the rules are testable without a cluster. */
	Authentication check(Secret s, String id, String secret) {
		if (!SECRET_TYPE.equals(s.getType())) {
			return refuse(id, "secret has type " + s.getType());
		}
		if (s.getMetadata().getDeletionTimestamp() != null) {
			return refuse(id, "secret is being deleted");
		}
		String tokenId = value(s, "token-id");
		String tokenSecret = value(s, "token-secret");
		if (!id.equals(tokenId) || tokenSecret == null) {
			return refuse(id, "secret's token-id does not match");
		}
		if (!MessageDigest.isEqual(tokenSecret.getBytes(StandardCharsets.UTF_8),
				secret.getBytes(StandardCharsets.UTF_8))) {
			return refuse(id, "token secret does not match");
		}
		String expiration = value(s, "expiration");
		if (expiration != null) {
			try {
				Instant expires = OffsetDateTime.parse(expiration).toInstant();
				if (!this.clock.instant().isBefore(expires)) {
					return refuse(id, "token expired at " + expiration);
				}
			}
			catch (DateTimeParseException ex) {
				return refuse(id, "unparseable expiration " + expiration);
			}
		}
		if (!"true".equals(value(s, "usage-bootstrap-authentication"))) {
			return refuse(id, "token is not for authentication");
		}
		List<String> groups = new ArrayList<>(List.of(GROUP));
		String extra = value(s, "auth-extra-groups");
		if (extra != null) {
			for (String group : extra.split(",")) {
				String g = group.strip();
				if (g.isEmpty()) {
					continue;
				}
				if (!EXTRA_GROUP.matcher(g).matches()) {
					return refuse(id, "auth-extra-groups has a group outside system:bootstrappers: " + g);
				}
				if (!groups.contains(g)) {
					groups.add(g);
				}
			}
		}
		return new Authentication.Authenticated(new UserInfo(USER_PREFIX + id, "", groups, Map.of()).authenticated());
	}

	private static Authentication refuse(String id, String why) {
		// The reason goes to the log, not to the client, as in Kubernetes.
		log.debug("bootstrap token {} refused: {}", id, why);
		return new Authentication.Rejected("invalid bootstrap token");
	}

	/** A data value (base64, as stored) or a stringData value. */
	private static String value(Secret s, String key) {
		if (s.getData() != null && s.getData().get(key) != null) {
			try {
				return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		return s.getStringData() == null ? null : s.getStringData().get(key);
	}

}
