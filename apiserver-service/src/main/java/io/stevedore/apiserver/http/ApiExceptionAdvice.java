package io.stevedore.apiserver.http;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.errors.ApiException;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** Status bodies for failures outside the resource controller (discovery, OpenAPI). */
@ControllerAdvice
public class ApiExceptionAdvice {

	private final ObjectCodec codec;

	public ApiExceptionAdvice(ObjectCodec codec) {
		this.codec = codec;
	}

	@ExceptionHandler(ApiException.class)
	public ResponseEntity<byte[]> handle(ApiException ex) {
		Status status = ex.status();
		status.setApiVersion("v1");
		status.setKind("Status");
		if (status.getMetadata() == null) {
			status.setMetadata(new ListMeta());
		}
		return ResponseEntity.status(status.getCode())
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.codec.writeJson(status));
	}

}
