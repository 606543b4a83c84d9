package io.stevedore.machinery.printers;

import java.util.Arrays;
import java.util.List;

/**
 * One table row before the object is attached: its cells (String, Long or Boolean, as the
 * JSON of the Table carries them) and row conditions (only pods have any:
 * {@code Completed} for succeeded or failed pods).
 */
record Row(List<Object> cells, List<RowCondition> conditions) {

	static Row of(Object... cells) {
		return new Row(Arrays.asList(cells), List.of());
	}

	record RowCondition(String type, String status, String reason, String message) {
	}

}
