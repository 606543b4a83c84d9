package io.stevedore.client.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A bearer token carried as a WebSocket subprotocol, for clients (browsers) that cannot
 * set an {@code Authorization} header on a WebSocket: one of the offered
 * {@code Sec-WebSocket-Protocol}s is {@code base64url.bearer.authorization.k8s.io.} and
 * the token in unpadded base64url, as Kubernetes' apiserver and kubelet read it
 * (k8s.io/apiserver's websocket protocol authenticator). Only on WebSocket upgrades; at
 * most one such protocol; it must come with another protocol, the one the server answers
 * with. The servers that read it remove it from the request, so it is never echoed back
 * or passed on.
 */
public final class BearerTokenProtocol {

	public static final String PREFIX = "base64url.bearer.authorization.k8s.io.";

	public static final String HEADER = "Sec-WebSocket-Protocol";

	private BearerTokenProtocol() {
	}

	/** The protocol that carries {@code token}, as a client offers it. */
	public static String of(String token) {
		return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Whether a request is a WebSocket upgrade, as apimachinery's
	 * {@code wsstream.IsWebSocketRequest}: a {@code Connection} naming {@code upgrade}
	 * and {@code Upgrade: websocket}.
	 * @param connection the Connection header's values
	 * @param upgrade the Upgrade header, or null
	 */
	public static boolean isWebSocketUpgrade(Iterable<String> connection, String upgrade) {
		if (upgrade == null || !upgrade.strip().equalsIgnoreCase("websocket")) {
			return false;
		}
		for (String value : connection) {
			if (value != null && value.toLowerCase(Locale.ROOT).contains("upgrade")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads the offered protocols (the {@code Sec-WebSocket-Protocol} header's values, in
	 * order, each a comma-separated list).
	 */
	public static Offer parse(Iterable<String> headerValues) {
		List<String> others = new ArrayList<>();
		boolean seen = false;
		String token = null;
		String error = null;
		for (String value : headerValues) {
			if (value == null) {
				continue;
			}
			for (String part : value.split(",")) {
				String protocol = part.strip();
				if (protocol.isEmpty()) {
					continue;
				}
				if (!protocol.startsWith(PREFIX)) {
					others.add(protocol);
					continue;
				}
				if (seen) {
					error = "multiple base64.bearer.authorization tokens specified";
					continue;
				}
				seen = true;
				try {
					token = decode(protocol.substring(PREFIX.length()));
				}
				catch (IllegalArgumentException ex) {
					// the message names the problem, never the token
					error = ex.getMessage();
				}
			}
		}
		if (error == null && token != null && !token.isEmpty() && others.isEmpty()) {
			error = "missing additional subprotocol";
		}
		return new Offer(error != null || token == null || token.isEmpty() ? null : token, List.copyOf(others), seen,
				error);
	}

	/**
	 * Unpadded base64url ({@code A-Z a-z 0-9 - _}, Go's RawURLEncoding) of UTF-8 text.
	 */
	static String decode(String encoded) {
		for (int i = 0; i < encoded.length(); i++) {
			char c = encoded.charAt(i);
			boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			if (!alphabet) {
				throw new IllegalArgumentException("invalid base64.bearer.authorization token encoding");
			}
		}
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			// a length of 4n+1: no whole byte in the last unit
			throw new IllegalArgumentException("invalid base64.bearer.authorization token encoding");
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException("invalid base64.bearer.authorization token");
		}
	}

	/**
	 * What a request offered.
	 *
	 * @param token the bearer token; null when there is none, or it was empty, or the
	 * offer is refused
	 * @param protocols the other protocols, in order: what the request goes on with
	 * @param carried whether a token protocol was offered at all (then the header must be
	 * rewritten to {@code protocols})
	 * @param error why the offer is refused (the request is then 401), or null
	 */
	public record Offer(String token, List<String> protocols, boolean carried, String error) {

		/** The {@code Sec-WebSocket-Protocol} the request goes on with; null for none. */
		public String header() {
			return this.protocols.isEmpty() ? null : String.join(", ", this.protocols);
		}

	}

}
