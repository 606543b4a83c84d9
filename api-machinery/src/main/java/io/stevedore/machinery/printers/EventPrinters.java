package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;

/**
 * Events, core/v1 and events.k8s.io/v1 alike: Kubernetes converts both to one internal
 * Event before printing, so they share columns. LAST SEEN falls back to the first
 * timestamp and then to eventTime (new-style events set only that); a series overrides
 * both the last time and the count.
 */
final class EventPrinters {

	private EventPrinters() {
	}

	static final List<Column> COLUMNS = List.of(
			Column.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
			Column.string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
			Column.string("Reason",
					"This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
			Column.string("Object", "The object that this event is about."),
			Column.wide("Subobject",
					"If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
			Column.wide("Source",
					"The component reporting this event. Should be a short machine understandable string."),
			Column.string("Message", "A human-readable description of the status of this operation."),
			Column.wide("First Seen",
					"The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
			Column.wide("Count", "The number of times this event has occurred."),
			new Column("Name", "string", "name", Column.NAME_DESCRIPTION, 1));

	static final KindPrinter<io.fabric8.kubernetes.api.model.Event> CORE = new KindPrinter<>(
			io.fabric8.kubernetes.api.model.Event.class, COLUMNS,
			(e, now) -> row(e.getMetadata().getName(), e.getFirstTimestamp(), e.getLastTimestamp(), e.getEventTime(),
					e.getSeries() != null ? e.getSeries().getLastObservedTime() : null,
					e.getSeries() != null ? e.getSeries().getCount() : null, e.getSeries() != null, e.getCount(),
					e.getInvolvedObject(), e.getType(), e.getReason(), e.getSource(), e.getReportingComponent(),
					e.getReportingInstance(), e.getMessage(), now));

	static final KindPrinter<io.fabric8.kubernetes.api.model.events.v1.Event> EVENTS_V1 = new KindPrinter<>(
			io.fabric8.kubernetes.api.model.events.v1.Event.class, COLUMNS,
			(e, now) -> row(e.getMetadata().getName(), e.getDeprecatedFirstTimestamp(), e.getDeprecatedLastTimestamp(),
					e.getEventTime(), e.getSeries() != null ? e.getSeries().getLastObservedTime() : null,
					e.getSeries() != null ? e.getSeries().getCount() : null, e.getSeries() != null,
					e.getDeprecatedCount(), e.getRegarding(), e.getType(), e.getReason(), e.getDeprecatedSource(),
					e.getReportingController(), e.getReportingInstance(), e.getNote(), now));

	private static Row row(String name, String firstTimestamp, String lastTimestamp, MicroTime eventTime,
			MicroTime seriesLast, Integer seriesCount, boolean hasSeries, Integer count, ObjectReference regarding,
			String type, String reason, EventSource source, String reportingController, String reportingInstance,
			String message, Instant now) {
		String first = firstTimestamp == null || firstTimestamp.isEmpty() ? micro(eventTime, now)
				: Cells.age(firstTimestamp, now);
		String last = lastTimestamp == null || lastTimestamp.isEmpty() ? first : Cells.age(lastTimestamp, now);
		long n = Cells.num(count);
		if (hasSeries) {
			last = micro(seriesLast, now);
			n = Cells.num(seriesCount);
		}
		else if (n == 0) {
			// singleton events of the new API carry no count
			n = 1;
		}
		ObjectReference ref = regarding != null ? regarding : new ObjectReference();
		String kind = Cells.nonNull(ref.getKind()).toLowerCase();
		String target = ref.getName() != null && !ref.getName().isEmpty() ? kind + "/" + ref.getName() : kind;
		String component = firstNonEmpty(source != null ? source.getComponent() : null, reportingController);
		String instance = firstNonEmpty(source != null ? source.getHost() : null, reportingInstance);
		String sourceCell = instance.isEmpty() ? component : component + ", " + instance;
		return Row.of(last, Cells.nonNull(type), Cells.nonNull(reason), target, Cells.nonNull(ref.getFieldPath()),
				sourceCell, Cells.nonNull(message).strip(), first, n, name);
	}

	private static String micro(MicroTime time, Instant now) {
		return Cells.age(time != null ? time.getTime() : null, now);
	}

	private static String firstNonEmpty(String a, String b) {
		return a != null && !a.isEmpty() ? a : Cells.nonNull(b);
	}

}
