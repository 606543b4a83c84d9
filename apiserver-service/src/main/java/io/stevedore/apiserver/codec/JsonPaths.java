package io.stevedore.apiserver.codec;

import java.util.List;

import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * Renders Jackson's reference paths as Kubernetes field paths:
 * {@code spec.containers[0].ports}.
 */
final class JsonPaths {

	private JsonPaths() {
	}

	static String of(List<JsonMappingException.Reference> path) {
		StringBuilder sb = new StringBuilder();
		for (JsonMappingException.Reference ref : path) {
			if (ref.getFieldName() != null) {
				if (!sb.isEmpty()) {
					sb.append('.');
				}
				sb.append(ref.getFieldName());
			}
			else if (ref.getIndex() >= 0) {
				sb.append('[').append(ref.getIndex()).append(']');
			}
		}
		return sb.toString();
	}

}
