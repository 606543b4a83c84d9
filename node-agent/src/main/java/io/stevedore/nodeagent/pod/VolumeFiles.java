package io.stevedore.nodeagent.pod;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of one volume before they are written: content and mode by relative path. Not
 * thread-safe; built and written by one sync.
 */
final class VolumeFiles {

	final Map<String, byte[]> content = new LinkedHashMap<>();

	final Map<String, Integer> modes = new LinkedHashMap<>();

	/** Adds a file; a later source with the same path wins, as in the kubelet. */
	void put(String path, byte[] data, int mode) {
		this.content.put(path, data);
		this.modes.put(path, mode);
	}

}
