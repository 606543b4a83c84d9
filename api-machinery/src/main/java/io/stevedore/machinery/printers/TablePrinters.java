package io.stevedore.machinery.printers;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Server-side printing: turns objects into a meta.k8s.io/v1 Table, the answer to
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io} that {@code kubectl get}
 * sends. Columns and cell formats are Kubernetes' own (pkg/printers/internalversion) for
 * every built-in kind; any other kind gets Kubernetes' default table (NAME, CREATED AT).
 *
 * <pre>
 * objects ──► KindPrinter (columns + row function) ──► rows {cells, conditions, object}
 *                                                      object: PartialObjectMetadata | full | none
 * </pre>
 *
 * Pure functions: the clock is a parameter, so AGE cells are testable.
 */
public final class TablePrinters {

	/**
	 * Full objects in rows may carry MicroTime (java.time) fields: Leases, events.k8s.io
	 * Events.
	 */
	private static final ObjectMapper MAPPER = JsonMapper.builder()
		.addModule(new JavaTimeModule())
		.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
		.build();

	private static final Map<Class<?>, KindPrinter<?>> PRINTERS = new LinkedHashMap<>();

	static {
		for (KindPrinter<?> printer : List.of(PodPrinter.PRINTER, CorePrinters.NAMESPACE, CorePrinters.NODE,
				CorePrinters.SERVICE, CorePrinters.ENDPOINTS, CorePrinters.CONFIG_MAP, CorePrinters.SECRET,
				CorePrinters.SERVICE_ACCOUNT, CorePrinters.PERSISTENT_VOLUME, CorePrinters.PERSISTENT_VOLUME_CLAIM,
				CorePrinters.RESOURCE_QUOTA, EventPrinters.CORE, EventPrinters.EVENTS_V1, WorkloadPrinters.DEPLOYMENT,
				WorkloadPrinters.REPLICA_SET, WorkloadPrinters.STATEFUL_SET, WorkloadPrinters.DAEMON_SET,
				WorkloadPrinters.JOB, WorkloadPrinters.CRON_JOB, WorkloadPrinters.CONTROLLER_REVISION,
				WorkloadPrinters.POD_DISRUPTION_BUDGET, HorizontalPodAutoscalerPrinter.PRINTER, ClusterPrinters.INGRESS,
				ClusterPrinters.INGRESS_CLASS, ClusterPrinters.NETWORK_POLICY, ClusterPrinters.ROLE_BINDING,
				ClusterPrinters.CLUSTER_ROLE_BINDING, ClusterPrinters.LEASE, ClusterPrinters.ENDPOINT_SLICE,
				ClusterPrinters.PRIORITY_CLASS, ClusterPrinters.STORAGE_CLASS, CertificatePrinters.CSR)) {
			PRINTERS.put(printer.type(), printer);
		}
	}

	/** Kubernetes' default table convertor (apiserver/pkg/registry/rest/table.go). */
	static final List<Column> DEFAULT_COLUMNS = List.of(Column.NAME,
			new Column("Created At", "date", "", Column.CREATED_DESCRIPTION, 0));

	private TablePrinters() {
	}

	/**
	 * The Table of a list (or of one object: a list of one).
	 * @param type the resource listed
	 * @param objects the objects, in list order
	 * @param includeObjectFull true to embed each full object (includeObject=Object),
	 * false for a PartialObjectMetadata (the default)
	 * @param resourceVersion the list's resourceVersion, may be null
	 * @param continueToken the list's continue token, may be null
	 * @param now the clock reading AGE columns are computed from
	 */
	public static ObjectNode table(ResourceType type, List<? extends HasMetadata> objects, boolean includeObjectFull,
			String resourceVersion, String continueToken, Instant now) {
		return table(type, objects, includeObjectFull ? IncludeObject.OBJECT : IncludeObject.METADATA, resourceVersion,
				continueToken, now);
	}

	/**
	 * As {@link #table(ResourceType, List, boolean, String, String, Instant)}, with
	 * includeObject=None too.
	 */
	public static ObjectNode table(ResourceType type, List<? extends HasMetadata> objects, IncludeObject include,
			String resourceVersion, String continueToken, Instant now) {
		KindPrinter<?> printer = PRINTERS.get(type.javaType());
		ObjectNode table = MAPPER.createObjectNode();
		table.put("kind", "Table");
		table.put("apiVersion", "meta.k8s.io/v1");
		ObjectNode metadata = table.putObject("metadata");
		if (resourceVersion != null && !resourceVersion.isEmpty()) {
			metadata.put("resourceVersion", resourceVersion);
		}
		if (continueToken != null && !continueToken.isEmpty()) {
			metadata.put("continue", continueToken);
		}
		ArrayNode columns = table.putArray("columnDefinitions");
		for (Column column : printer != null ? printer.columns() : DEFAULT_COLUMNS) {
			ObjectNode c = columns.addObject();
			c.put("name", column.name());
			c.put("type", column.type());
			c.put("format", column.format());
			c.put("description", column.description());
			c.put("priority", column.priority());
		}
		ArrayNode rows = table.putArray("rows");
		for (HasMetadata object : objects) {
			Row row = printer != null ? printer.print(object, now) : defaultRow(object);
			ObjectNode r = rows.addObject();
			ArrayNode cells = r.putArray("cells");
			row.cells().forEach(cell -> cells.add(MAPPER.valueToTree(cell)));
			if (!row.conditions().isEmpty()) {
				ArrayNode conditions = r.putArray("conditions");
				row.conditions().forEach(c -> {
					ObjectNode n = conditions.addObject();
					n.put("type", c.type());
					n.put("status", c.status());
					n.put("reason", c.reason());
					n.put("message", c.message());
				});
			}
			switch (include) {
				case OBJECT -> r.set("object", fullObject(type, object));
				case METADATA -> r.set("object", partialObjectMetadata(object));
				case NONE -> {
				}
			}
		}
		return table;
	}

	/** The columns a resource's Table has. */
	public static List<Column> columns(ResourceType type) {
		KindPrinter<?> printer = PRINTERS.get(type.javaType());
		return printer != null ? printer.columns() : DEFAULT_COLUMNS;
	}

	/**
	 * The Table version asked for by an Accept header ({@code v1} or {@code v1beta1}),
	 * empty when the client wants plain objects. kubectl sends
	 * {@code application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json}.
	 */
	public static Optional<String> requestedTableVersion(String accept) {
		if (accept == null) {
			return Optional.empty();
		}
		for (String range : accept.split(",")) {
			Map<String, String> params = new LinkedHashMap<>();
			String[] pieces = range.trim().split(";");
			for (int i = 1; i < pieces.length; i++) {
				String[] kv = pieces[i].split("=", 2);
				params.put(kv[0].trim().toLowerCase(Locale.ROOT), kv.length > 1 ? kv[1].trim() : "");
			}
			String mediaType = pieces[0].trim().toLowerCase(Locale.ROOT);
			if ("Table".equals(params.get("as")) && "meta.k8s.io".equals(params.get("g"))
					&& (mediaType.equals("application/json") || mediaType.equals("*/*")
							|| mediaType.equals("application/*"))
					&& ("v1".equals(params.get("v")) || "v1beta1".equals(params.get("v")))) {
				return Optional.of(params.get("v"));
			}
		}
		return Optional.empty();
	}

	private static Row defaultRow(HasMetadata object) {
		Instant created = Cells.instant(object.getMetadata().getCreationTimestamp());
		String createdAt = created == null ? ""
				: DateTimeFormatter.ISO_INSTANT.format(created.atOffset(ZoneOffset.UTC).withNano(0).toInstant());
		return Row.of(object.getMetadata().getName(), createdAt);
	}

	private static ObjectNode partialObjectMetadata(HasMetadata object) {
		ObjectNode node = MAPPER.createObjectNode();
		node.put("kind", "PartialObjectMetadata");
		node.put("apiVersion", "meta.k8s.io/v1");
		node.set("metadata", MAPPER.valueToTree(object.getMetadata()));
		return node;
	}

	private static ObjectNode fullObject(ResourceType type, HasMetadata object) {
		ObjectNode node = MAPPER.valueToTree(object);
		// objects read back from storage may lack their type meta; a Table row's
		// object must say what it is
		if (!node.hasNonNull("apiVersion")) {
			node.put("apiVersion", type.apiVersion());
		}
		if (!node.hasNonNull("kind")) {
			node.put("kind", type.kind());
		}
		return node;
	}

	static List<Class<?>> printedTypes() {
		return new ArrayList<>(PRINTERS.keySet());
	}

}
