package io.stevedore.machinery.selectors;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.machinery.registry.ResourceType;

import static io.stevedore.machinery.selectors.JsonFields.bool;
import static io.stevedore.machinery.selectors.JsonFields.integer;
import static io.stevedore.machinery.selectors.JsonFields.text;
import static io.stevedore.machinery.selectors.SelectableFields.NAME;
import static io.stevedore.machinery.selectors.SelectableFields.NAMESPACE;
import static io.stevedore.machinery.selectors.SelectableFields.identity;

/**
 * The kinds that register a field label conversion function in Kubernetes, by API group
 * and kind. Sources: pkg/apis/core/v1/conversion.go, pkg/apis/batch/v1/conversion.go,
 * pkg/apis/events/v1/conversion.go, pkg/apis/certificates/v1/conversion.go and the
 * matching pkg/registry/.../strategy.go.
 */
final class ResourceFieldTable {

	private static final Map<String, Map<String, SelectableFields>> BY_GROUP_AND_KIND = new HashMap<>();

	static {
		add("", "Pod", pod());
		add("", "Node", new SelectableFields(identity(NAME, "spec.unschedulable"), SelectableFields::notSupported,
				(node, fields) -> fields.put("spec.unschedulable", bool(node.path("spec").path("unschedulable")))));
		add("", "Namespace", new SelectableFields(identity("status.phase", NAME), SelectableFields::notSupported,
				(ns, fields) -> fields.put("status.phase", text(ns.path("status").path("phase")))));
		add("", "Secret", new SelectableFields(identity("type", NAMESPACE, NAME), SelectableFields::notSupported,
				(secret, fields) -> fields.put("type", text(secret.path("type")))));
		add("", "Service", new SelectableFields(identity(NAMESPACE, NAME, "spec.clusterIP", "spec.type"),
				SelectableFields::notSupported, (service, fields) -> {
					JsonNode spec = service.path("spec");
					fields.put("spec.clusterIP", text(spec.path("clusterIP")));
					fields.put("spec.type", text(spec.path("type")));
				}));
		add("", "Event", coreEvent());
		add("events.k8s.io", "Event", eventsEvent());
		// certificates/v1: a signer (or an approver of one) lists only its requests.
		add("certificates.k8s.io", "CertificateSigningRequest",
				new SelectableFields(identity(NAME, "spec.signerName"), SelectableFields::notSupported,
						(csr, fields) -> fields.put("spec.signerName", text(csr.path("spec").path("signerName")))));
		// The message differs from core's; batch/v1 words it this way.
		add("batch", "Job", new SelectableFields(identity(NAME, NAMESPACE, "status.successful"),
				label -> "field label " + GoText.quote(label) + " not supported for Job",
				(job, fields) -> fields.put("status.successful", integer(job.path("status").path("succeeded")))));
	}

	private ResourceFieldTable() {
	}

	static SelectableFields lookup(ResourceType type) {
		Map<String, SelectableFields> kinds = BY_GROUP_AND_KIND.get(type.group());
		SelectableFields fields = kinds == null ? null : kinds.get(type.kind());
		return fields == null ? SelectableFields.DEFAULT : fields;
	}

	private static void add(String group, String kind, SelectableFields fields) {
		BY_GROUP_AND_KIND.computeIfAbsent(group, g -> new HashMap<>()).put(kind, fields);
	}

	private static SelectableFields pod() {
		Map<String, String> labels = identity(NAME, NAMESPACE, "spec.nodeName", "spec.restartPolicy",
				"spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
				// Accepted by the conversion function though no value is ever set for
				// it, so it only matches the empty string.
				"status.podIPs", "status.nominatedNodeName");
		// What clients of the first v1 still send.
		labels.put("spec.host", "spec.nodeName");
		return new SelectableFields(labels, SelectableFields::notSupported, (pod, fields) -> {
			JsonNode spec = pod.path("spec");
			JsonNode status = pod.path("status");
			fields.put("spec.nodeName", text(spec.path("nodeName")));
			fields.put("spec.restartPolicy", text(spec.path("restartPolicy")));
			fields.put("spec.schedulerName", text(spec.path("schedulerName")));
			fields.put("spec.serviceAccountName", text(spec.path("serviceAccountName")));
			fields.put("spec.hostNetwork", bool(spec.path("hostNetwork")));
			fields.put("status.phase", text(status.path("phase")));
			fields.put("status.podIP", podIP(status));
			fields.put("status.nominatedNodeName", text(status.path("nominatedNodeName")));
		});
	}

	/**
	 * The primary pod IP as the internal Pod has it after conversion from v1:
	 * {@code status.podIP} wins when set, else the first of {@code status.podIPs}.
	 */
	private static String podIP(JsonNode status) {
		String podIP = text(status.path("podIP"));
		return podIP.isEmpty() ? text(status.path("podIPs").path(0).path("ip")) : podIP;
	}

	private static SelectableFields coreEvent() {
		return new SelectableFields(identity(EventFields.LABELS), SelectableFields::notSupported, (event, fields) -> {
			JsonNode involved = event.path("involvedObject");
			String reporting = text(event.path("reportingComponent"));
			EventFields.put(fields, involved, reporting, text(event.path("source").path("component")),
					text(event.path("reason")), text(event.path("type")));
		});
	}

	/**
	 * events.k8s.io/v1 Events are stored as core Events in Kubernetes, so their labels
	 * map onto the core field names.
	 */
	private static SelectableFields eventsEvent() {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put("reason", "reason");
		for (String part : EventFields.OBJECT_REFERENCE) {
			labels.put("regarding." + part, "involvedObject." + part);
		}
		labels.put("reportingController", "reportingComponent");
		labels.put("source", "source");
		labels.put("type", "type");
		labels.put(NAMESPACE, NAMESPACE);
		labels.put(NAME, NAME);
		return new SelectableFields(labels, SelectableFields::notSupported, (event, fields) -> {
			JsonNode regarding = event.path("regarding");
			String reporting = text(event.path("reportingController"));
			EventFields.put(fields, regarding, reporting, text(event.path("deprecatedSource").path("component")),
					text(event.path("reason")), text(event.path("type")));
		});
	}

	/** The selectable fields both Event kinds share. */
	private static final class EventFields {

		static final String[] OBJECT_REFERENCE = { "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion",
				"fieldPath" };

		static final String[] LABELS = { "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
				"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
				"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NAMESPACE, NAME };

		static void put(Map<String, String> fields, JsonNode involved, String reporting, String sourceComponent,
				String reason, String type) {
			for (String part : OBJECT_REFERENCE) {
				fields.put("involvedObject." + part, text(involved.path(part)));
			}
			fields.put("reason", reason);
			fields.put("reportingComponent", reporting);
			// Events written through events.k8s.io have no source; Kubernetes falls back
			// to the reporting controller.
			fields.put("source", sourceComponent.isEmpty() ? reporting : sourceComponent);
			fields.put("type", type);
		}

	}

}
