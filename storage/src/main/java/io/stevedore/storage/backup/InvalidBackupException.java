package io.stevedore.storage.backup;

import java.io.IOException;

/**
 * A backup file that cannot be restored: not one, another version, truncated or
 * corrupted.
 */
public class InvalidBackupException extends IOException {

	public InvalidBackupException(String message) {
		super(message);
	}

}
