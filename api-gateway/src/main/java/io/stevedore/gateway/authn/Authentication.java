package io.stevedore.gateway.authn;

/**
 * What an authenticator concluded about a request: it carried no credential it knows, a
 * valid one, or one it refuses (then the request gets 401, never anonymous access).
 */
public sealed interface Authentication {

	Authentication NO_CREDENTIALS = new NoCredentials();

	record NoCredentials() implements Authentication {
	}

	record Authenticated(UserInfo user) implements Authentication {
	}

	record Rejected(String reason) implements Authentication {
	}

}
