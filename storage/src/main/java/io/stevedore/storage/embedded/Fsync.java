package io.stevedore.storage.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * fsync of a directory, so a created, renamed or deleted file survives a machine crash.
 */
final class Fsync {

	private Fsync() {
	}

	static void directory(Path directory) throws IOException {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

}
