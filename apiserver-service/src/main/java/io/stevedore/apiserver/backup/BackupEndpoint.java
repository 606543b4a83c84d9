package io.stevedore.apiserver.backup;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.stevedore.apiserver.encryption.EncryptingStore;
import io.stevedore.storage.Store;
import io.stevedore.storage.backup.BackupFile;
import io.stevedore.storage.backup.Snapshot;
import io.stevedore.storage.backup.SnapshotReader;

/**
 * {@code GET /stevedore/backup}: a consistent snapshot of the whole store, as a backup
 * file ({@code ./stevedore backup} saves it). It holds Secrets: like kube-apiserver's
 * non-resource paths it is for cluster admins, whom the gateway's RBAC alone lets reach
 * it; the apiserver itself listens on loopback only.
 */
@RestController
public class BackupEndpoint {

	/** How long the change log may take to catch up with the paged read. */
	private static final Duration CATCH_UP = Duration.ofSeconds(30);

	private final Store store;

	public BackupEndpoint(Store store) {
		// A backup holds what the store holds: secrets stay encrypted, as in an etcd
		// snapshot.
		this.store = (store instanceof EncryptingStore encrypting) ? encrypting.raw() : store;
	}

	@GetMapping("/stevedore/backup")
	public ResponseEntity<StreamingResponseBody> backup() {
		Snapshot snapshot = SnapshotReader.read(this.store, CATCH_UP);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					"attachment; filename=\"stevedore-" + snapshot.revision() + ".backup\"")
			.header("X-Stevedore-Revision", Long.toString(snapshot.revision()))
			.header("X-Stevedore-Keys", Integer.toString(snapshot.entries().size()))
			.body((out) -> BackupFile.write(snapshot, out));
	}

}
