package io.stevedore.apiserver.http;

import io.stevedore.apiserver.cache.WatchCache;
import io.stevedore.storage.Store;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * kube-apiserver's health paths. /livez: the process serves. /readyz and /healthz: the
 * watch cache is loaded and the store answers, so requests can succeed.
 */
@RestController
public class HealthEndpoints {

	private final WatchCache cache;

	private final Store store;

	public HealthEndpoints(WatchCache cache, Store store) {
		this.cache = cache;
		this.store = store;
	}

	@GetMapping("/livez")
	public ResponseEntity<String> livez() {
		return text(HttpStatus.OK, "ok");
	}

	@GetMapping({ "/readyz", "/healthz" })
	public ResponseEntity<String> readyz() {
		if (!this.cache.isReady()) {
			return text(HttpStatus.INTERNAL_SERVER_ERROR, "[-]watch-cache failed: not loaded yet\nreadyz check failed");
		}
		if (!this.store.isAvailable()) {
			return text(HttpStatus.INTERNAL_SERVER_ERROR,
					"[-]storage failed: the store does not answer\nreadyz check failed");
		}
		return text(HttpStatus.OK, "ok");
	}

	private static ResponseEntity<String> text(HttpStatus status, String body) {
		return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
	}

}
