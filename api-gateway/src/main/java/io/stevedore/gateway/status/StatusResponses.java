package io.stevedore.gateway.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Writes answers the gateway gives itself, in Kubernetes' shapes: a {@code Status} for
 * every refusal, so kubectl prints "Error from server (Forbidden): ..." as it would
 * against kube-apiserver.
 */
public final class StatusResponses {

	/**
	 * Jackson 2, the library fabric8's model is annotated for, with java.time: fabric8
	 * models MicroTime fields (Lease acquireTime/renewTime, events.k8s.io eventTime) as
	 * ZonedDateTime, and a review of such an object must read and write them as strings.
	 */
	public static final ObjectMapper JSON = JsonMapper.builder()
		.addModule(new JavaTimeModule())
		.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
		.build();

	private StatusResponses() {
	}

	public static Status failure(int code, String reason, String message, StatusDetails details) {
		return new StatusBuilder().withApiVersion("v1")
			.withKind("Status")
			.withMetadata(new ListMeta())
			.withStatus("Failure")
			.withMessage(message)
			.withReason(reason)
			.withDetails(details)
			.withCode(code)
			.build();
	}

	public static Status unauthorized() {
		return failure(401, "Unauthorized", "Unauthorized", null);
	}

	public static Mono<Void> write(ServerHttpResponse response, Status status) {
		return writeJson(response, HttpStatus.valueOf(status.getCode()), status);
	}

	/** A JSON answer of a handler (a Status or an object the gateway serves itself). */
	public static Mono<ServerResponse> json(HttpStatus code, Object body) {
		try {
			return ServerResponse.status(code)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(JSON.writeValueAsBytes(body));
		}
		catch (JsonProcessingException ex) {
			return Mono.error(ex);
		}
	}

	public static Mono<Void> writeJson(ServerHttpResponse response, HttpStatus code, Object body) {
		byte[] bytes;
		try {
			bytes = JSON.writeValueAsBytes(body);
		}
		catch (JsonProcessingException ex) {
			return Mono.error(ex);
		}
		response.setStatusCode(code);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getHeaders().setContentLength(bytes.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

}
