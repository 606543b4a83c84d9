package io.stevedore.machinery.protobuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Which protobuf message type decodes an apiVersion + kind, built from the
 * {@link ResourceRegistry} and the naming of Kubernetes' generated.proto files as the
 * official Java client packages them: group {@code apps} version {@code v1} is proto
 * package {@code k8s.io.api.apps.v1}, Java class
 * {@code io.kubernetes.client.proto.V1Apps}; the core group is
 * {@code k8s.io.api.core.v1}, class {@code V1}.
 *
 * <p>
 * Only the generated descriptors are used, never the generated parsers:
 * client-java-proto's code predates protobuf 22, and protobuf-java flags its parsers as
 * vulnerable gencode (GHSA-h4h5-3hr4-j3g2) with a WARN per type on first use. Bodies are
 * parsed by the runtime's own DynamicMessage instead, under its recursion limit.
 *
 * <p>
 * Immutable after construction; safe to share between threads.
 */
final class ProtobufKinds {

	private static final String JAVA_PACKAGE = "io.kubernetes.client.proto.";

	/**
	 * The kinds of subresource bodies: a scheduler POSTs a Binding, {@code kubectl drain}
	 * an Eviction, a Go autoscaler PUTs a Scale.
	 */
	private static final List<String[]> SUBRESOURCE_KINDS = List.of(new String[] { "", "v1", "Binding" },
			new String[] { "policy", "v1", "Eviction" }, new String[] { "autoscaling", "v1", "Scale" });

	private static final ProtobufKinds STANDARD = new ProtobufKinds(ResourceRegistry.standard());

	private final Map<String, Descriptor> types = new LinkedHashMap<>();

	private final List<String> unresolved = new ArrayList<>();

	ProtobufKinds(ResourceRegistry registry) {
		for (ResourceType type : registry.all()) {
			add(type.group(), type.version(), type.kind());
		}
		for (String[] gvk : SUBRESOURCE_KINDS) {
			add(gvk[0], gvk[1], gvk[2]);
		}
		// Kubernetes registers DeleteOptions in every group version
		// (metav1.AddToGroupVersion),
		// so a delete body may name any of them, or meta.k8s.io/v1.
		this.types.put(key("meta.k8s.io/v1", "DeleteOptions"), Meta.DeleteOptions.getDescriptor());
		for (String groupVersion : registry.groupVersions()) {
			this.types.put(key(groupVersion, "DeleteOptions"), Meta.DeleteOptions.getDescriptor());
		}
	}

	static ProtobufKinds standard() {
		return STANDARD;
	}

	/** The message type of that kind. */
	Optional<Descriptor> find(String apiVersion, String kind) {
		return Optional.ofNullable(this.types.get(key(apiVersion, kind)));
	}

	/** Every {@code apiVersion kind} served, e.g. {@code apps/v1 Deployment}. */
	List<String> kinds() {
		return List.copyOf(this.types.keySet());
	}

	/** Kinds of the registry without a generated message: expected to be none. */
	List<String> unresolved() {
		return List.copyOf(this.unresolved);
	}

	/**
	 * The Go package of an API group, which names its proto package: the group's first
	 * DNS label ({@code rbac.authorization.k8s.io} is {@code rbac}), core for the core
	 * group.
	 */
	static String goPackage(String group) {
		if (group.isEmpty()) {
			return "core";
		}
		int dot = group.indexOf('.');
		return (dot < 0) ? group : group.substring(0, dot);
	}

	/** e.g. {@code V1Apps}, {@code V2Autoscaling}, {@code V1} for core/v1. */
	static String javaOuterClass(String group, String version) {
		return JAVA_PACKAGE + capitalize(version) + (group.isEmpty() ? "" : capitalize(goPackage(group)));
	}

	private void add(String group, String version, String kind) {
		String apiVersion = group.isEmpty() ? version : group + "/" + version;
		String protoPackage = "k8s.io.api." + goPackage(group) + "." + version;
		try {
			Class<?> outer = Class.forName(javaOuterClass(group, version));
			FileDescriptor file = (FileDescriptor) outer.getMethod("getDescriptor").invoke(null);
			Descriptor type = file.getPackage().equals(protoPackage) ? file.findMessageTypeByName(kind) : null;
			if (type == null) {
				this.unresolved.add(key(apiVersion, kind) + " (no message " + protoPackage + "." + kind + " in "
						+ outer.getName() + ")");
				return;
			}
			this.types.put(key(apiVersion, kind), type);
		}
		catch (ReflectiveOperationException | ClassCastException ex) {
			this.unresolved.add(key(apiVersion, kind) + " (no class for " + protoPackage + ": " + ex + ")");
		}
	}

	private static String key(String apiVersion, String kind) {
		return apiVersion + " " + kind;
	}

	private static String capitalize(String s) {
		return Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

}
