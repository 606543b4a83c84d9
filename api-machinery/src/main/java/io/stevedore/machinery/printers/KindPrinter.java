package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The columns of one kind and the function giving an object's row, like a handler
 * registered with {@code TableHandler} in Kubernetes' printers. Rows always carry the
 * wide (priority 1) cells: the server cannot know whether kubectl will show them.
 */
record KindPrinter<T extends HasMetadata>(Class<T> type, List<Column> columns, BiFunction<T, Instant, Row> row) {

	Row print(HasMetadata object, Instant now) {
		return this.row.apply(this.type.cast(object), now);
	}

}
