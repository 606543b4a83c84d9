package io.stevedore.gateway.authn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Bearer tokens from a static token file, Kubernetes' {@code --token-auth-file}: one CSV
 * line per token, {@code token,user,uid,"group1,group2"} (groups optional). Read once at
 * start; immutable after.
 */
public final class StaticTokenAuthenticator implements Authenticator {

	private final Map<String, UserInfo> users;

	private StaticTokenAuthenticator(Map<String, UserInfo> users) {
		this.users = Map.copyOf(users);
	}

	public static StaticTokenAuthenticator fromFile(Path file) {
		try {
			return parse(Files.readString(file), file.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.gateway.token-auth-file: cannot read " + file, ex);
		}
	}

	/**
	 * Parses the CSV text.
	 * @param source named in error messages
	 * @throws IllegalArgumentException naming the line of a malformed entry
	 */
	public static StaticTokenAuthenticator parse(String csv, String source) {
		Map<String, UserInfo> users = new HashMap<>();
		String[] lines = csv.split("\r?\n");
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			List<String> fields = csvFields(line);
			String where = source + " line " + (i + 1);
			if (fields.size() < 3) {
				throw new IllegalArgumentException(
						where + ": expected token,user,uid[,\"groups\"], got " + fields.size() + " field(s)");
			}
			if (fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
				throw new IllegalArgumentException(where + ": token and user must not be empty");
			}
			List<String> groups = new ArrayList<>();
			if (fields.size() > 3) {
				for (String group : fields.get(3).split(",")) {
					if (!group.isBlank()) {
						groups.add(group.strip());
					}
				}
			}
			if (users.put(fields.get(0), new UserInfo(fields.get(1), fields.get(2), groups, Map.of())) != null) {
				throw new IllegalArgumentException(where + ": duplicate token");
			}
		}
		return new StaticTokenAuthenticator(users);
	}

	@Override
	public Authentication authenticate(ServerHttpRequest request) {
		return authenticateNow(BearerToken.of(request));
	}

	@Override
	public Authentication authenticateNow(String token) {
		if (token == null) {
			return Authentication.NO_CREDENTIALS;
		}
		for (Map.Entry<String, UserInfo> entry : this.users.entrySet()) {
			// Constant-time comparison: the token file's secrets must not leak by timing.
			if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.UTF_8),
					token.getBytes(StandardCharsets.UTF_8))) {
				return new Authentication.Authenticated(entry.getValue().authenticated());
			}
		}
		return new Authentication.Rejected("invalid bearer token");
	}

	/** Fields of one CSV line; double quotes group commas, "" is a quote. */
	static List<String> csvFields(String line) {
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else if (c == '"') {
					quoted = false;
				}
				else {
					field.append(c);
				}
			}
			else if (c == '"') {
				quoted = true;
			}
			else if (c == ',') {
				fields.add(field.toString().strip());
				field.setLength(0);
			}
			else {
				field.append(c);
			}
		}
		fields.add(field.toString().strip());
		return fields;
	}

}
