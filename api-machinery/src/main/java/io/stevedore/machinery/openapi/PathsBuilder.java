package io.stevedore.machinery.openapi;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The {@code paths} of an OpenAPI document: for each resource its collection, item,
 * all-namespaces and subresource paths with Kubernetes' operation ids, actions,
 * group-version-kind extensions and query parameters. kubectl keys on two of them: a
 * PATCH operation whose {@code x-kubernetes-group-version-kind} is the kind and which
 * lists {@code fieldValidation} (server-side validation is supported), and whose request
 * body accepts {@code application/strategic-merge-patch+json} (client-side apply may
 * compute its patch from this document).
 */
final class PathsBuilder {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	static final String PATCH_DEFINITION = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

	private static final String LIST_METADATA = "Standard list metadata. More info: "
			+ "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

	private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
			"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

	private static final List<String> PRODUCES = List.of("application/json", "application/yaml",
			"application/vnd.kubernetes.protobuf");

	private final Dialect dialect;

	private final SchemaGenerator schemas;

	private final ObjectNode paths = JSON.objectNode();

	PathsBuilder(Dialect dialect, SchemaGenerator schemas) {
		this.dialect = dialect;
		this.schemas = schemas;
		ObjectNode patch = JSON.objectNode();
		patch.put("description",
				"Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.");
		patch.put("type", "object");
		schemas.put(PATCH_DEFINITION, patch);
		schemas.define(DeleteOptions.class);
		schemas.define(Status.class);
	}

	ObjectNode paths() {
		return this.paths;
	}

	/** Adds the kind and list definitions and every path of one resource. */
	void add(ResourceType type) {
		String kindDef = this.schemas.define(type.javaType());
		this.schemas.addGroupVersionKind(kindDef, type.group(), type.version(), type.kind());
		String listDef = listDefinition(type, kindDef);
		Map<String, String> gvk = Map.of("group", type.group(), "version", type.version(), "kind", type.kind());
		String base = type.group().isEmpty() ? "/api/v1" : "/apis/" + type.group() + "/" + type.version();
		String collection = base + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural();
		String item = collection + "/{name}";
		String prefix = operationPrefix(type);
		String scope = type.namespaced() ? "Namespaced" : "";
		String tag = tag(type);

		ObjectNode collectionPath = path(collection, type.namespaced(), false);
		collectionPath.set("get", operation(tag, "list " + type.kind(), "list" + prefix + scope + type.kind(), "list",
				gvk, QueryParameters.LIST, null, null, listDef));
		collectionPath.set("post", operation(tag, "create " + type.kind(), "create" + prefix + scope + type.kind(),
				"post", gvk, QueryParameters.CREATE, List.of("*/*"), kindDef, kindDef));
		collectionPath.set("delete",
				operation(tag, "delete collection of " + type.kind(),
						"delete" + prefix + "Collection" + scope + type.kind(), "deletecollection", gvk,
						QueryParameters.DELETE_COLLECTION, List.of("*/*"), this.schemas.define(DeleteOptions.class),
						DefinitionNames.of(Status.class)));

		ObjectNode itemPath = path(item, type.namespaced(), true);
		itemPath.set("get", operation(tag, "read the specified " + type.kind(), "read" + prefix + scope + type.kind(),
				"get", gvk, List.of(), null, null, kindDef));
		itemPath.set("put",
				operation(tag, "replace the specified " + type.kind(), "replace" + prefix + scope + type.kind(), "put",
						gvk, QueryParameters.REPLACE, List.of("*/*"), kindDef, kindDef));
		itemPath.set("patch",
				operation(tag, "partially update the specified " + type.kind(), "patch" + prefix + scope + type.kind(),
						"patch", gvk, QueryParameters.PATCH, PATCH_TYPES, PATCH_DEFINITION, kindDef));
		itemPath.set("delete",
				operation(tag, "delete a " + type.kind(), "delete" + prefix + scope + type.kind(), "delete", gvk,
						QueryParameters.DELETE, List.of("*/*"), DefinitionNames.of(DeleteOptions.class),
						DefinitionNames.of(Status.class)));

		if (type.namespaced()) {
			ObjectNode all = path(base + "/" + type.plural(), false, false);
			all.set("get",
					operation(tag, "list or watch objects of kind " + type.kind(),
							"list" + prefix + type.kind() + "ForAllNamespaces", "list", gvk, QueryParameters.LIST, null,
							null, listDef));
		}
		type.subresources().stream().sorted().forEach(sub -> addSubresource(type, sub, item, prefix + scope, tag));
	}

	private void addSubresource(ResourceType type, String sub, String item, String prefix, String tag) {
		String suffix = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
		String what = sub + " of the specified " + type.kind();
		ObjectNode path = path(item + "/" + sub, type.namespaced(), true);
		switch (sub) {
			case "scale" -> {
				String scale = this.schemas.define(Scale.class);
				addGvkOnce(scale, "autoscaling", "v1", "Scale");
				Map<String, String> gvk = Map.of("group", "autoscaling", "version", "v1", "kind", "Scale");
				readReplacePatch(path, tag, what, prefix + type.kind() + suffix, gvk, scale);
			}
			case "binding", "eviction" -> {
				boolean binding = sub.equals("binding");
				String def = this.schemas.define(binding ? Binding.class : Eviction.class);
				Map<String, String> gvk = binding ? Map.of("group", "", "version", "v1", "kind", "Binding")
						: Map.of("group", "policy", "version", "v1", "kind", "Eviction");
				addGvkOnce(def, gvk.get("group"), gvk.get("version"), gvk.get("kind"));
				path.set("post", operation(tag, "create " + what, "create" + prefix + type.kind() + suffix, "post", gvk,
						QueryParameters.CREATE, List.of("*/*"), def, def));
			}
			default -> {
				Map<String, String> gvk = Map.of("group", type.group(), "version", type.version(), "kind", type.kind());
				readReplacePatch(path, tag, what, prefix + type.kind() + suffix, gvk,
						DefinitionNames.of(type.javaType()));
			}
		}
	}

	private void readReplacePatch(ObjectNode path, String tag, String what, String id, Map<String, String> gvk,
			String def) {
		path.set("get", operation(tag, "read " + what, "read" + id, "get", gvk, List.of(), null, null, def));
		path.set("put", operation(tag, "replace " + what, "replace" + id, "put", gvk, QueryParameters.REPLACE,
				List.of("*/*"), def, def));
		path.set("patch", operation(tag, "partially update " + what, "patch" + id, "patch", gvk, QueryParameters.PATCH,
				PATCH_TYPES, PATCH_DEFINITION, def));
	}

	private void addGvkOnce(String def, String group, String version, String kind) {
		if (!this.schemas.definitions().get(def).has("x-kubernetes-group-version-kind")) {
			this.schemas.addGroupVersionKind(def, group, version, kind);
		}
	}

	private String listDefinition(ResourceType type, String kindDef) {
		String name = kindDef + "List";
		ObjectNode list = JSON.objectNode();
		list.put("description", type.listKind() + " is a list of " + type.kind() + " objects.");
		list.putArray("required").add("items");
		list.put("type", "object");
		ObjectNode properties = list.putObject("properties");
		properties.set("apiVersion",
				this.schemas.scalar(String.class).put("description", SchemaGenerator.commonDescription("apiVersion")));
		ObjectNode items = properties.putObject("items");
		items.put("type", "array");
		items.set("items", this.schemas.ref(kindDef));
		properties.set("kind",
				this.schemas.scalar(String.class).put("description", SchemaGenerator.commonDescription("kind")));
		properties.set("metadata", this.schemas.describedRef(this.schemas.define(ListMeta.class), LIST_METADATA));
		this.schemas.put(name, list);
		this.schemas.addGroupVersionKind(name, type.group(), type.version(), type.listKind());
		return name;
	}

	private ObjectNode path(String path, boolean namespaced, boolean named) {
		ObjectNode node = this.paths.putObject(path);
		ArrayNode parameters = node.putArray("parameters");
		if (named) {
			parameters.add(pathParameter("name", "name of the resource"));
		}
		if (namespaced) {
			parameters.add(pathParameter("namespace", "object name and auth scope, such as for teams and projects"));
		}
		parameters.add(query(QueryParameters.PRETTY));
		return node;
	}

	private ObjectNode operation(String tag, String description, String operationId, String action,
			Map<String, String> gvk, List<QueryParameters.Parameter> params, List<String> consumes, String bodyDef,
			String responseDef) {
		ObjectNode op = JSON.objectNode();
		op.put("description", description);
		if (this.dialect == Dialect.V2) {
			if (consumes != null) {
				consumes.forEach(op.putArray("consumes")::add);
			}
			PRODUCES.forEach(op.putArray("produces")::add);
			op.putArray("schemes").add("https");
		}
		op.putArray("tags").add(tag);
		op.put("operationId", operationId);
		ArrayNode parameters = op.putArray("parameters");
		if (bodyDef != null && this.dialect == Dialect.V2) {
			ObjectNode body = parameters.addObject();
			body.put("name", "body");
			body.put("in", "body");
			body.put("required", true);
			body.set("schema", this.schemas.ref(bodyDef));
		}
		params.forEach(p -> parameters.add(query(p)));
		if (bodyDef != null && this.dialect == Dialect.V3) {
			ObjectNode requestBody = op.putObject("requestBody");
			ObjectNode content = requestBody.putObject("content");
			consumes.forEach(type -> content.putObject(type).set("schema", this.schemas.ref(bodyDef)));
			requestBody.put("required", true);
		}
		ObjectNode responses = op.putObject("responses");
		responses.set("200", response("OK", responseDef));
		if (action.equals("post") || action.equals("put")) {
			responses.set("201", response("Created", responseDef));
		}
		if (action.equals("post") || action.equals("delete") || action.equals("deletecollection")) {
			responses.set("202", response("Accepted", responseDef));
		}
		responses.putObject("401").put("description", "Unauthorized");
		op.put("x-kubernetes-action", action);
		ObjectNode gvkNode = op.putObject("x-kubernetes-group-version-kind");
		gvkNode.put("group", gvk.get("group"));
		gvkNode.put("kind", gvk.get("kind"));
		gvkNode.put("version", gvk.get("version"));
		return op;
	}

	private ObjectNode response(String description, String def) {
		ObjectNode response = JSON.objectNode();
		response.put("description", description);
		if (this.dialect == Dialect.V2) {
			response.set("schema", this.schemas.ref(def));
		}
		else {
			ObjectNode content = response.putObject("content");
			for (String type : List.of("application/json", "application/yaml")) {
				content.putObject(type).set("schema", this.schemas.ref(def));
			}
		}
		return response;
	}

	private ObjectNode query(QueryParameters.Parameter p) {
		ObjectNode node = JSON.objectNode();
		node.put("name", p.name());
		node.put("in", "query");
		node.put("description", p.description());
		if (this.dialect == Dialect.V2) {
			node.put("type", p.type());
			node.put("uniqueItems", true);
		}
		else {
			ObjectNode schema = node.putObject("schema");
			schema.put("type", p.type());
			schema.put("uniqueItems", true);
		}
		return node;
	}

	private ObjectNode pathParameter(String name, String description) {
		ObjectNode node = JSON.objectNode();
		node.put("name", name);
		node.put("in", "path");
		node.put("description", description);
		node.put("required", true);
		if (this.dialect == Dialect.V2) {
			node.put("type", "string");
			node.put("uniqueItems", true);
		}
		else {
			ObjectNode schema = node.putObject("schema");
			schema.put("type", "string");
			schema.put("uniqueItems", true);
		}
		return node;
	}

	/**
	 * {@code Core}, {@code Apps}, {@code RbacAuthorization} + {@code V1}: Kubernetes'
	 * operation id infix.
	 */
	static String operationPrefix(ResourceType type) {
		return groupCamel(type.group()) + Character.toUpperCase(type.version().charAt(0)) + type.version().substring(1);
	}

	/** {@code core_v1}, {@code apps_v1}, {@code rbacAuthorization_v1}. */
	static String tag(ResourceType type) {
		String camel = groupCamel(type.group());
		return Character.toLowerCase(camel.charAt(0)) + camel.substring(1) + "_" + type.version();
	}

	private static String groupCamel(String group) {
		if (group.isEmpty()) {
			return "Core";
		}
		StringBuilder out = new StringBuilder();
		for (String part : group.replace(".k8s.io", "").split("\\.")) {
			out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
		}
		return out.toString();
	}

}
