package io.stevedore.machinery.validation;

import static io.stevedore.machinery.validation.CommonValidation.immutable;
import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;
import static io.stevedore.machinery.validation.CommonValidation.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.stevedore.machinery.errors.FieldError;

/**
 * {@code metadata} checks of apimachinery's ValidateObjectMeta and
 * ValidateObjectMetaUpdate: name syntax per kind, namespace, labels, annotations (with
 * their 256 KiB total), owner references and finalizers; on update the identity fields
 * that may never change.
 */
public final class ObjectMetaValidation {

	/** Kubernetes' TotalAnnotationSizeLimitB. */
	public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

	private static final FieldPath METADATA = FieldPath.root("metadata");

	private ObjectMetaValidation() {
	}

	public static List<FieldError> validate(ObjectMeta meta, boolean namespaced, NameValidator names) {
		return validate(meta, namespaced, names, METADATA);
	}

	public static List<FieldError> validate(ObjectMeta meta, boolean namespaced, NameValidator names, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (meta == null) {
			errs.add(FieldError.required(path.child("name").toString(), "name or generateName is required"));
			return errs;
		}
		if (!isEmpty(meta.getGenerateName())) {
			for (String msg : names.validate(meta.getGenerateName(), true)) {
				errs.add(FieldError.invalid(path.child("generateName").toString(), meta.getGenerateName(), msg));
			}
		}
		if (isEmpty(meta.getName())) {
			// The apiserver generates the name from generateName before validating; a
			// caller that has not done so yet still passes when generateName is there.
			if (isEmpty(meta.getGenerateName())) {
				errs.add(FieldError.required(path.child("name").toString(), "name or generateName is required"));
			}
		}
		else {
			for (String msg : names.validate(meta.getName(), false)) {
				errs.add(FieldError.invalid(path.child("name").toString(), meta.getName(), msg));
			}
		}
		if (namespaced) {
			if (isEmpty(meta.getNamespace())) {
				errs.add(FieldError.required(path.child("namespace").toString(), ""));
			}
			else {
				errs.addAll(CommonValidation.check(meta.getNamespace(), path.child("namespace"),
						NameValidation::dns1123Label));
			}
		}
		else if (!isEmpty(meta.getNamespace())) {
			errs.add(FieldError.forbidden(path.child("namespace").toString(), "not allowed on this type"));
		}
		errs.addAll(CommonValidation.nonNegative(meta.getGeneration(), path.child("generation")));
		errs.addAll(commonMeta(meta, path));
		return errs;
	}

	/**
	 * The checks ValidateObjectMetaUpdate makes: name, namespace, uid, creationTimestamp,
	 * deletionTimestamp and deletionGracePeriodSeconds never change, no finalizer is
	 * added once deletion started, and labels/annotations/ownerReferences/finalizers stay
	 * well-formed.
	 */
	public static List<FieldError> validateUpdate(ObjectMeta meta, ObjectMeta old) {
		List<FieldError> errs = new ArrayList<>();
		ObjectMeta m = meta == null ? new ObjectMeta() : meta;
		ObjectMeta o = old == null ? new ObjectMeta() : old;
		if (o.getDeletionTimestamp() != null) {
			List<String> added = new ArrayList<>(list(m.getFinalizers()));
			added.removeAll(list(o.getFinalizers()));
			if (!added.isEmpty()) {
				errs.add(FieldError.forbidden(METADATA.child("finalizers").toString(),
						"no new finalizers can be added if the object is being deleted, found new finalizers "
								+ goStrings(added.stream().sorted().distinct().toList())));
			}
		}
		errs.addAll(immutable(m.getName(), o.getName(), METADATA.child("name")));
		errs.addAll(immutable(m.getNamespace(), o.getNamespace(), METADATA.child("namespace")));
		errs.addAll(immutable(m.getUid(), o.getUid(), METADATA.child("uid")));
		errs.addAll(immutable(m.getCreationTimestamp(), o.getCreationTimestamp(), METADATA.child("creationTimestamp")));
		errs.addAll(immutable(m.getDeletionTimestamp(), o.getDeletionTimestamp(), METADATA.child("deletionTimestamp")));
		errs.addAll(immutable(m.getDeletionGracePeriodSeconds(), o.getDeletionGracePeriodSeconds(),
				METADATA.child("deletionGracePeriodSeconds")));
		errs.addAll(commonMeta(m, METADATA));
		return errs;
	}

	private static List<FieldError> commonMeta(ObjectMeta meta, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(CommonValidation.labels(meta.getLabels(), path.child("labels")));
		errs.addAll(annotations(meta.getAnnotations(), path.child("annotations")));
		errs.addAll(ownerReferences(meta.getOwnerReferences(), path.child("ownerReferences")));
		errs.addAll(finalizers(meta.getFinalizers(), path.child("finalizers")));
		return errs;
	}

	/**
	 * Annotation keys are qualified names compared case-insensitively; keys and values
	 * together may not exceed 256 KiB.
	 */
	public static List<FieldError> annotations(Map<String, String> annotations, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		long total = 0;
		for (Map.Entry<String, String> e : map(annotations).entrySet()) {
			for (String msg : NameValidation.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
				errs.add(FieldError.invalid(path.toString(), e.getKey(), msg));
			}
			total += utf8Length(e.getKey()) + utf8Length(e.getValue());
		}
		if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
			errs.add(FieldError.tooLong(path.toString(), "", TOTAL_ANNOTATION_SIZE_LIMIT));
		}
		return errs;
	}

	public static List<FieldError> ownerReferences(List<OwnerReference> refs, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		String firstController = null;
		for (OwnerReference ref : list(refs)) {
			String apiVersion = CommonValidation.str(ref.getApiVersion());
			String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
			if (version.isEmpty()) {
				errs.add(FieldError.invalid(path.child("apiVersion").toString(), apiVersion,
						"version must not be empty"));
			}
			if (isEmpty(ref.getKind())) {
				errs.add(FieldError.invalid(path.child("kind").toString(), "", "kind must not be empty"));
			}
			if (isEmpty(ref.getName())) {
				errs.add(FieldError.invalid(path.child("name").toString(), "", "name must not be empty"));
			}
			if (isEmpty(ref.getUid())) {
				errs.add(FieldError.invalid(path.child("uid").toString(), "", "uid must not be empty"));
			}
			if ("v1".equals(apiVersion) && "Event".equals(ref.getKind())) {
				errs.add(FieldError.invalid(path.toString(), new GoValue(ref.getKind() + "/" + ref.getName()),
						"/v1, Kind=Event is disallowed from being an owner"));
			}
			if (Boolean.TRUE.equals(ref.getController())) {
				String current = ref.getKind() + "/" + ref.getName();
				if (firstController != null) {
					errs.add(FieldError.invalid(path.toString(),
							new GoValue("[" + firstController + " " + current + "]"),
							"Only one reference can have Controller set to true. Found \"true\" in references for "
									+ firstController + " and " + current));
				}
				else {
					firstController = current;
				}
			}
		}
		return errs;
	}

	public static List<FieldError> finalizers(List<String> finalizers, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (String f : list(finalizers)) {
			errs.addAll(CommonValidation.check(f, path, NameValidation::qualifiedName));
		}
		if (list(finalizers).contains("orphan") && list(finalizers).contains("foregroundDeletion")) {
			errs.add(FieldError.invalid(path.toString(), new GoValue(goStrings(finalizers)),
					"finalizer orphan and foregroundDeletion cannot be both set"));
		}
		return errs;
	}

	private static String goStrings(List<String> values) {
		StringBuilder sb = new StringBuilder("[]string{");
		for (int i = 0; i < values.size(); i++) {
			sb.append(i > 0 ? ", " : "").append('"').append(values.get(i)).append('"');
		}
		return sb.append('}').toString();
	}

	private static long utf8Length(String s) {
		return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
	}

}
