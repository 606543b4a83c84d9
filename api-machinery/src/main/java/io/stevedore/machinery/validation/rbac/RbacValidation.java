package io.stevedore.machinery.validation.rbac;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;
import static io.stevedore.machinery.validation.CommonValidation.list;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;
import io.stevedore.machinery.validation.NameValidator;

/**
 * RBAC objects (rbac/validation): names are path segments, rules need verbs and either
 * resources with API groups or non-resource URLs, bindings reference a Role or
 * ClusterRole that never changes.
 */
public final class RbacValidation {

	public static final String GROUP = "rbac.authorization.k8s.io";

	private RbacValidation() {
	}

	static List<FieldError> rules(List<PolicyRule> rules, boolean namespaced) {
		List<FieldError> errs = new ArrayList<>();
		for (int i = 0; i < rules.size(); i++) {
			PolicyRule rule = rules.get(i);
			FieldPath p = FieldPath.root("rules").index(i);
			if (list(rule.getVerbs()).isEmpty()) {
				errs.add(FieldError.required(p.child("verbs").toString(), "verbs must contain at least one value"));
			}
			List<String> urls = list(rule.getNonResourceURLs());
			if (!urls.isEmpty()) {
				GoValue shown = new GoValue(
						"[]string{" + String.join(", ", urls.stream().map(u -> "\"" + u + "\"").toList()) + "}");
				if (namespaced) {
					errs.add(FieldError.invalid(p.child("nonResourceURLs").toString(), shown,
							"namespaced rules cannot apply to non-resource URLs"));
				}
				if (!list(rule.getApiGroups()).isEmpty() || !list(rule.getResources()).isEmpty()
						|| !list(rule.getResourceNames()).isEmpty()) {
					errs.add(FieldError.invalid(p.child("nonResourceURLs").toString(), shown,
							"rules cannot apply to both regular resources and non-resource URLs"));
				}
				continue;
			}
			if (list(rule.getApiGroups()).isEmpty()) {
				errs.add(FieldError.required(p.child("apiGroups").toString(),
						"resource rules must supply at least one api group"));
			}
			if (list(rule.getResources()).isEmpty()) {
				errs.add(FieldError.required(p.child("resources").toString(),
						"resource rules must supply at least one resource"));
			}
		}
		return errs;
	}

	static List<FieldError> binding(RoleRef ref, List<Subject> subjects, boolean namespaced) {
		List<FieldError> errs = new ArrayList<>();
		RoleRef r = ref == null ? new RoleRef() : ref;
		FieldPath refPath = FieldPath.root("roleRef");
		if (!GROUP.equals(r.getApiGroup())) {
			errs.add(FieldError.notSupported(refPath.child("apiGroup").toString(),
					CommonValidation.str(r.getApiGroup()), List.of(GROUP)));
		}
		List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
		if (!kinds.contains(r.getKind())) {
			errs.add(FieldError.notSupported(refPath.child("kind").toString(), CommonValidation.str(r.getKind()),
					kinds));
		}
		errs.addAll(CommonValidation.required(r.getName(), refPath.child("name"), NameValidation::pathSegmentName));
		for (int i = 0; i < subjects.size(); i++) {
			errs.addAll(subject(subjects.get(i), namespaced, FieldPath.root("subjects").index(i)));
		}
		return errs;
	}

	private static List<FieldError> subject(Subject s, boolean namespaced, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (isEmpty(s.getName())) {
			errs.add(FieldError.required(path.child("name").toString(), ""));
		}
		String kind = CommonValidation.str(s.getKind());
		switch (kind) {
			case "ServiceAccount" -> {
				if (!isEmpty(s.getName())) {
					errs.addAll(
							CommonValidation.check(s.getName(), path.child("name"), NameValidation::dns1123Subdomain));
				}
				if (!isEmpty(s.getApiGroup())) {
					errs.add(FieldError.notSupported(path.child("apiGroup").toString(), s.getApiGroup(), List.of("")));
				}
				if (!namespaced && isEmpty(s.getNamespace())) {
					errs.add(FieldError.required(path.child("namespace").toString(), ""));
				}
			}
			case "User", "Group" -> {
				if (!GROUP.equals(s.getApiGroup())) {
					errs.add(FieldError.notSupported(path.child("apiGroup").toString(),
							CommonValidation.str(s.getApiGroup()), List.of(GROUP)));
				}
			}
			default -> errs.add(FieldError.notSupported(path.child("kind").toString(), kind,
					List.of("ServiceAccount", "User", "Group")));
		}
		return errs;
	}

	static List<FieldError> roleRefUnchanged(RoleRef ref, RoleRef old) {
		if (CommonValidation.semanticEquals(ref, old)) {
			return List.of();
		}
		RoleRef r = ref == null ? new RoleRef() : ref;
		return List.of(FieldError.invalid("roleRef",
				new GoValue("rbac.RoleRef{APIGroup:\"" + CommonValidation.str(r.getApiGroup()) + "\", Kind:\""
						+ CommonValidation.str(r.getKind()) + "\", Name:\"" + CommonValidation.str(r.getName())
						+ "\"}"),
				"cannot change roleRef"));
	}

	public static final class RoleValidation implements KindValidator<Role> {

		@Override
		public NameValidator names() {
			return NameValidator.PATH_SEGMENT;
		}

		@Override
		public List<FieldError> validate(Role role) {
			return rules(list(role.getRules()), true);
		}

	}

	public static final class ClusterRoleValidation implements KindValidator<ClusterRole> {

		@Override
		public NameValidator names() {
			return NameValidator.PATH_SEGMENT;
		}

		@Override
		public List<FieldError> validate(ClusterRole role) {
			return rules(list(role.getRules()), false);
		}

	}

	public static final class RoleBindingValidation implements KindValidator<RoleBinding> {

		@Override
		public NameValidator names() {
			return NameValidator.PATH_SEGMENT;
		}

		@Override
		public List<FieldError> validate(RoleBinding binding) {
			return binding(binding.getRoleRef(), list(binding.getSubjects()), true);
		}

		@Override
		public List<FieldError> validateUpdate(RoleBinding binding, RoleBinding old) {
			List<FieldError> errs = new ArrayList<>(validate(binding));
			errs.addAll(roleRefUnchanged(binding.getRoleRef(), old.getRoleRef()));
			return errs;
		}

	}

	public static final class ClusterRoleBindingValidation implements KindValidator<ClusterRoleBinding> {

		@Override
		public NameValidator names() {
			return NameValidator.PATH_SEGMENT;
		}

		@Override
		public List<FieldError> validate(ClusterRoleBinding binding) {
			return binding(binding.getRoleRef(), list(binding.getSubjects()), false);
		}

		@Override
		public List<FieldError> validateUpdate(ClusterRoleBinding binding, ClusterRoleBinding old) {
			List<FieldError> errs = new ArrayList<>(validate(binding));
			errs.addAll(roleRefUnchanged(binding.getRoleRef(), old.getRoleRef()));
			return errs;
		}

	}

}
