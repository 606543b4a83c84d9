package io.stevedore.apiserver.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.machinery.errors.ApiException;

/**
 * The continue token of a paged list, in Kubernetes' shape (base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":N,"start":"key"}}): the revision of the first page
 * and where the next page starts, so every page comes from the same snapshot.
 */
public record ContinueToken(long revision, String startAfterKey) {

	private static final ObjectMapper JSON = new ObjectMapper();

	public String encode() {
		ObjectNode node = JSON.createObjectNode();
		node.put("v", "meta.k8s.io/v1");
		node.put("rv", this.revision);
		node.put("start", this.startAfterKey);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @param keyPrefix the prefix the key must lie under, so a token cannot read
	 * elsewhere
	 */
	public static ContinueToken decode(String token, String keyPrefix) {
		try {
			byte[] raw = Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_').replace("=", ""));
			JsonNode node = JSON.readTree(raw);
			if (!"meta.k8s.io/v1".equals(node.path("v").asText()) || !node.path("rv").isIntegralNumber()) {
				throw new IllegalArgumentException();
			}
			String start = node.path("start").asText("");
			if (!start.startsWith(keyPrefix) && !keyPrefix.startsWith(start)) {
				throw new IllegalArgumentException();
			}
			return new ContinueToken(node.path("rv").asLong(), start);
		}
		catch (Exception ex) {
			throw ApiException.badRequest("continue key is not valid: " + token);
		}
	}

}
