package io.stevedore.apiserver.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.rest.ListResult;
import io.stevedore.apiserver.rest.ObjectResult;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.printers.IncludeObject;
import io.stevedore.machinery.printers.TablePrinters;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Renders results in the representation the client asked for: JSON (written straight from
 * stored bytes), YAML, or a meta.k8s.io Table.
 */
public final class ResponseRenderer {

	private static final byte[] COMMA = { ',' };

	private final ObjectCodec codec;

	public ResponseRenderer(ObjectCodec codec) {
		this.codec = codec;
	}

	/** The bytes and content type of a single object in the requested representation. */
	public Rendered object(ObjectResult result, MediaTypes.Output output, IncludeObject include, Instant now) {
		return switch (output) {
			case JSON -> new Rendered(MediaTypes.JSON, result.json());
			case YAML -> new Rendered(MediaTypes.YAML, this.codec.jsonToYaml(result.json()));
			case TABLE_JSON, TABLE_YAML -> {
				if (result.type() == null) {
					yield new Rendered(MediaTypes.JSON, result.json());
				}
				HasMetadata object = decode(result.type(), result.json());
				ObjectNode table = TablePrinters.table(result.type(), List.of(object), include,
						object.getMetadata().getResourceVersion(), null, now);
				byte[] json = this.codec.writeJson(table);
				yield output == MediaTypes.Output.TABLE_JSON ? new Rendered(MediaTypes.JSON, json)
						: new Rendered(MediaTypes.YAML, this.codec.jsonToYaml(json));
			}
		};
	}

	/**
	 * Streams a list: items go out as stored, one by one, without building one big tree.
	 */
	public void list(ListResult list, MediaTypes.Output output, IncludeObject include, Instant now, OutputStream out,
			java.util.function.Consumer<String> contentType) throws IOException {
		if (output == MediaTypes.Output.JSON) {
			contentType.accept(MediaTypes.JSON);
			writeJsonList(list, out);
			return;
		}
		byte[] json;
		if (output == MediaTypes.Output.YAML) {
			java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
			writeJsonList(list, buffer);
			json = buffer.toByteArray();
		}
		else {
			List<HasMetadata> objects = new ArrayList<>(list.items().size());
			for (CachedObject item : list.items()) {
				objects.add(decode(list.type(), item.json()));
			}
			json = this.codec.writeJson(TablePrinters.table(list.type(), objects, include,
					Long.toString(list.revision()), list.continueToken(), now));
		}
		boolean yaml = output == MediaTypes.Output.YAML || output == MediaTypes.Output.TABLE_YAML;
		contentType.accept(yaml ? MediaTypes.YAML : MediaTypes.JSON);
		out.write(yaml ? this.codec.jsonToYaml(json) : json);
	}

	private void writeJsonList(ListResult list, OutputStream out) throws IOException {
		ResourceType type = list.type();
		StringBuilder head = new StringBuilder(128).append("{\"kind\":\"")
			.append(type.listKind())
			.append("\",\"apiVersion\":\"")
			.append(type.apiVersion())
			.append("\",\"metadata\":{\"resourceVersion\":\"")
			.append(list.revision())
			.append('"');
		if (!list.continueToken().isEmpty()) {
			head.append(",\"continue\":\"").append(list.continueToken()).append('"');
		}
		if (list.remainingItemCount() != null) {
			head.append(",\"remainingItemCount\":").append(list.remainingItemCount());
		}
		head.append("},\"items\":[");
		out.write(head.toString().getBytes(StandardCharsets.UTF_8));
		boolean first = true;
		for (CachedObject item : list.items()) {
			if (!first) {
				out.write(COMMA);
			}
			first = false;
			out.write(item.json());
		}
		out.write("]}".getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * One watch event's object as a single-row Table; column definitions only when asked.
	 */
	public byte[] tableRow(ResourceType type, byte[] objectJson, IncludeObject include, Instant now,
			boolean withColumns) {
		HasMetadata object = decode(type, objectJson);
		ObjectNode table = TablePrinters.table(type, List.of(object), include,
				object.getMetadata().getResourceVersion(), null, now);
		if (!withColumns) {
			table.putArray("columnDefinitions");
		}
		return this.codec.writeJson(table);
	}

	private HasMetadata decode(ResourceType type, byte[] json) {
		try {
			return this.codec.json().readValue(json, type.javaType());
		}
		catch (IOException ex) {
			throw ApiException.internal("decoding " + type.kind() + " for printing: " + ex.getMessage());
		}
	}

	public record Rendered(String contentType, byte[] body) {
	}

}
