package io.stevedore.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The static-token users of a test's gateway: kube-apiserver's {@code --token-auth-file}
 * ({@code token,user,uid,"group1,group2"} a line) written as {@code tokens.csv} in the
 * test's directory, for {@link GatewayCluster#start} and
 * {@link GatewayCluster#startWithAdmission}; {@link GatewayCluster#kubectlWithToken} then
 * acts as one of them.
 */
public final class StaticTokens {

	private StaticTokens() {
	}

	/**
	 * Writes {@code users} to {@code directory/tokens.csv} and returns the gateway option
	 * that reads it.
	 */
	public static String file(Path directory, String... users) {
		Path tokens = directory.resolve("tokens.csv");
		try {
			Files.writeString(tokens, String.join("\n", users) + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return "--stevedore.gateway.token-auth-file=" + tokens;
	}

}
