package io.stevedore.storage.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.stevedore.storage.Event;
import io.stevedore.storage.KeyValue;

/** Turns change log stream entries (see prelude.lua) into {@link Event}s. */
final class StreamEntries {

	private StreamEntries() {
	}

	/** The revision of an entry ID {@code "<revision>-1"}. */
	static long revisionOf(String id) {
		int dash = id.indexOf('-');
		return Long.parseLong((dash < 0) ? id : id.substring(0, dash));
	}

	/** From the {@code [id, [field, value, ...]]} shape XRANGE has inside a Lua reply. */
	static Event fromReply(Object entry) {
		List<?> pair = (List<?>) entry;
		String id = text(pair.get(0));
		List<?> fields = (List<?>) pair.get(1);
		Fields parsed = new Fields();
		for (int i = 0; i + 1 < fields.size(); i += 2) {
			parsed.set(text(fields.get(i)), (byte[]) fields.get(i + 1));
		}
		return parsed.toEvent(revisionOf(id));
	}

	/** From a record XREAD returned. */
	static Event fromRecord(String id, Map<byte[], byte[]> fields) {
		Fields parsed = new Fields();
		for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
			parsed.set(new String(field.getKey(), StandardCharsets.UTF_8), field.getValue());
		}
		return parsed.toEvent(revisionOf(id));
	}

	static String text(Object bytes) {
		return new String((byte[]) bytes, StandardCharsets.UTF_8);
	}

	private static final class Fields {

		private String type;

		private String key;

		private byte[] value;

		private long createRevision;

		private long prevModRevision;

		void set(String name, byte[] raw) {
			switch (name) {
				case "t" -> this.type = new String(raw, StandardCharsets.UTF_8);
				case "k" -> this.key = new String(raw, StandardCharsets.UTF_8);
				case "v" -> this.value = raw;
				case "c" -> this.createRevision = Long.parseLong(new String(raw, StandardCharsets.UTF_8));
				case "p" -> this.prevModRevision = Long.parseLong(new String(raw, StandardCharsets.UTF_8));
				default -> {
					// fields added by a newer version are ignored
				}
			}
		}

		Event toEvent(long revision) {
			Event.Type eventType = switch (this.type) {
				case "c" -> Event.Type.CREATE;
				case "u" -> Event.Type.UPDATE;
				case "d" -> Event.Type.DELETE;
				default -> throw new IllegalStateException("unknown change log entry type '" + this.type + "'");
			};
			byte[] bytes = (this.value != null) ? this.value : new byte[0];
			return new Event(eventType, new KeyValue(this.key, bytes, this.createRevision, revision),
					this.prevModRevision);
		}

	}

}
