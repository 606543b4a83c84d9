package io.stevedore.machinery.validation;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.machinery.errors.FieldError;

/**
 * What an Event created through events.k8s.io/v1 must have on top of core/v1's rules, as
 * Kubernetes' ValidateEventCreate does for that request version
 * (pkg/apis/core/validation/events.go): the new-style fields (eventTime, the reporting
 * controller and instance, action, reason) are required and the deprecated ones must be
 * unset. Checked on the body as sent, so field paths are the events.k8s.io ones.
 */
public final class EventsV1Validation {

	static final int REPORTING_INSTANCE_LIMIT = 128;

	static final int ACTION_LIMIT = 128;

	static final int REASON_LIMIT = 128;

	static final int NOTE_LIMIT = 1024;

	private EventsV1Validation() {
	}

	public static List<FieldError> validateCreate(JsonNode event) {
		List<FieldError> errors = new ArrayList<>();
		boolean hasEventTime = !text(event, "eventTime").isEmpty();
		if (hasEventTime) {
			// Kubernetes' legacy rules, which apply to events with an eventTime.
			String controller = text(event, "reportingController");
			if (controller.isEmpty()) {
				errors.add(FieldError.required("reportingController", ""));
			}
			for (String problem : NameValidation.qualifiedName(controller)) {
				errors.add(FieldError.invalid("reportingController", controller, problem));
			}
			String instance = text(event, "reportingInstance");
			if (instance.isEmpty()) {
				errors.add(FieldError.required("reportingInstance", ""));
			}
			limit(errors, "reportingInstance", instance, REPORTING_INSTANCE_LIMIT);
			String action = text(event, "action");
			if (action.isEmpty()) {
				errors.add(FieldError.required("action", ""));
			}
			limit(errors, "action", action, ACTION_LIMIT);
			String reason = text(event, "reason");
			if (reason.isEmpty()) {
				errors.add(FieldError.required("reason", ""));
			}
			limit(errors, "reason", reason, REASON_LIMIT);
			limit(errors, "note", text(event, "note"), NOTE_LIMIT);
		}
		else {
			errors.add(FieldError.required("eventTime", ""));
		}
		JsonNode series = event.path("series");
		if (series.isObject()) {
			if (series.path("count").asLong(0) < 2) {
				errors.add(FieldError.invalid("series.count", "", "should be at least 2"));
			}
			if (text(series, "lastObservedTime").isEmpty()) {
				errors.add(FieldError.required("series.lastObservedTime", ""));
			}
		}
		String type = text(event, "type");
		if (!type.equals("Normal") && !type.equals("Warning")) {
			errors.add(FieldError.invalid("type", "", "has invalid value: " + type));
		}
		if (!text(event, "deprecatedFirstTimestamp").isEmpty()) {
			errors.add(FieldError.invalid("deprecatedFirstTimestamp", "", "needs to be unset"));
		}
		if (!text(event, "deprecatedLastTimestamp").isEmpty()) {
			errors.add(FieldError.invalid("deprecatedLastTimestamp", "", "needs to be unset"));
		}
		if (event.path("deprecatedCount").asLong(0) != 0) {
			errors.add(FieldError.invalid("deprecatedCount", "", "needs to be unset"));
		}
		JsonNode source = event.path("deprecatedSource");
		if (!text(source, "component").isEmpty() || !text(source, "host").isEmpty()) {
			errors.add(FieldError.invalid("deprecatedSource", "", "needs to be unset"));
		}
		return errors;
	}

	private static void limit(List<FieldError> errors, String field, String value, int max) {
		if (value.length() > max) {
			errors.add(FieldError.invalid(field, "", "can have at most " + max + " characters"));
		}
	}

	/** A string field's value; absent and null are empty, as Go's zero value. */
	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return value.isValueNode() && !value.isNull() ? value.asText("") : "";
	}

}
