package io.stevedore.gateway.admission.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RbacLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RbacEscalationTest {

	private static final UserInfo JANE = UserInfo.of("jane", List.of("developers"));

	private final Lister lister = new Lister();

	private final RbacEscalation plugin = new RbacEscalation(new RbacAuthorizer(this.lister), this.lister);

	@Test
	void aUserMayCreateARoleWithRulesItHolds() {
		holds(rule("", "pods", "get", "list"));
		assertThatCode(() -> this.plugin.validate(create("roles", role("reader", rule("", "pods", "get")))))
			.doesNotThrowAnyException();
	}

	@Test
	void aRoleGrantingMoreThanTheUserHoldsIsForbiddenNamingTheMissingRules() {
		holds(rule("", "pods", "get"));
		AdmissionDenied denied = catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(create("roles", role("writer", rule("", "pods", "get", "delete")))));
		assertThat(denied.status().getCode()).isEqualTo(403);
		assertThat(denied.status().getMessage())
			.isEqualTo("roles.rbac.authorization.k8s.io \"writer\" is forbidden: user \"jane\" "
					+ "(groups=[\"developers\" \"system:authenticated\"]) is attempting to grant RBAC permissions "
					+ "not currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
	}

	@Test
	void aWildcardIsHeldOnlyThroughAWildcard() {
		holds(rule("", "pods", "get"), rule("", "services", "get"));
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(create("roles", role("all", rule("", "*", "get"))))))
			.isNotNull();
	}

	@Test
	void aUserWithEscalateOnRolesMayGrantWhatItDoesNotHold() {
		holds(rule(RbacEscalation.GROUP, "roles", "escalate"));
		assertThatCode(() -> this.plugin.validate(create("roles", role("writer", rule("", "secrets", "delete")))))
			.doesNotThrowAnyException();
	}

	@Test
	void aBindingToARoleWhoseRulesTheUserLacksIsForbiddenUnlessItMayBindThatRole() {
		this.lister.roles.add(role("admin-ish", rule("", "secrets", "get")));
		holds(rule("", "pods", "get"));
		RoleBinding binding = binding("give-admin", "admin-ish");
		assertThat(
				catchThrowableOfType(AdmissionDenied.class, () -> this.plugin.validate(create("rolebindings", binding)))
					.status()
					.getMessage())
			.contains("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}");

		PolicyRule bindOther = new PolicyRuleBuilder().withApiGroups(RbacEscalation.GROUP)
			.withResources("roles")
			.withVerbs("bind")
			.withResourceNames("some-other-role")
			.build();
		holds(rule("", "pods", "get"), bindOther);
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(create("rolebindings", binding))))
			.isNotNull();

		PolicyRule bindThis = new PolicyRuleBuilder(bindOther).withResourceNames("admin-ish").build();
		holds(rule("", "pods", "get"), bindThis);
		assertThatCode(() -> this.plugin.validate(create("rolebindings", binding))).doesNotThrowAnyException();
	}

	@Test
	void aBindingToARoleWhoseRulesTheUserHoldsIsAllowed() {
		this.lister.roles.add(role("pod-reader", rule("", "pods", "get")));
		holds(rule("", "pods", "get", "list"));
		assertThatCode(() -> this.plugin.validate(create("rolebindings", binding("read", "pod-reader"))))
			.doesNotThrowAnyException();
	}

	@Test
	void aBindingToARoleThatDoesNotExistIsForbidden() {
		holds(rule("", "pods", "get"));
		assertThat(catchThrowableOfType(AdmissionDenied.class,
				() -> this.plugin.validate(create("rolebindings", binding("later", "not-yet"))))
			.status()
			.getMessage()).endsWith("roles.rbac.authorization.k8s.io \"not-yet\" not found");
	}

	@Test
	void aRuleIsBrokenIntoOneAtomPerGroupResourceVerbAndName() {
		PolicyRule rule = new PolicyRuleBuilder().withApiGroups("", "apps")
			.withResources("pods")
			.withVerbs("get", "list")
			.withResourceNames("a", "b")
			.build();
		assertThat(RbacEscalation.atoms(rule)).hasSize(8);
	}

	/** Gives jane, in namespace team, a Role "jane-held" with these rules. */
	private void holds(PolicyRule... rules) {
		this.lister.roles.removeIf((role) -> role.getMetadata().getName().equals("jane-held"));
		this.lister.roles.add(role("jane-held", rules));
		this.lister.roleBindings.removeIf((binding) -> binding.getMetadata().getName().equals("jane-held"));
		RoleBinding binding = binding("jane-held", "jane-held");
		binding.setSubjects(List.of(new SubjectBuilder().withKind("User").withName("jane").build()));
		this.lister.roleBindings.add(binding);
	}

	private static PolicyRule rule(String group, String resource, String... verbs) {
		return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
	}

	private static Role role(String name, PolicyRule... rules) {
		return new RoleBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.endMetadata()
			.withRules(rules)
			.build();
	}

	private static RoleBinding binding(String name, String role) {
		return new RoleBindingBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.endMetadata()
			.withNewRoleRef(RbacEscalation.GROUP, "Role", role)
			.withSubjects(new SubjectBuilder().withKind("User").withName("bob").build())
			.build();
	}

	private static AdmissionAttributes create(String resource, HasMetadata object) {
		return new AdmissionAttributes(AdmissionAttributes.CREATE, RbacEscalation.GROUP, "v1", resource, "", "team",
				object.getMetadata().getName(), object, null, false, JANE.authenticated(), new ArrayList<>());
	}

	private static final class Lister implements RbacLister {

		private final List<Role> roles = new ArrayList<>();

		private final List<RoleBinding> roleBindings = new ArrayList<>();

		@Override
		public List<ClusterRoleBinding> clusterRoleBindings() {
			return List.of();
		}

		@Override
		public List<RoleBinding> roleBindings(String namespace) {
			return this.roleBindings.stream().filter((b) -> b.getMetadata().getNamespace().equals(namespace)).toList();
		}

		@Override
		public Optional<ClusterRole> clusterRole(String name) {
			return Optional.empty();
		}

		@Override
		public List<ClusterRole> clusterRoles() {
			return List.of();
		}

		@Override
		public Optional<Role> role(String namespace, String name) {
			return this.roles.stream()
				.filter((r) -> r.getMetadata().getNamespace().equals(namespace)
						&& r.getMetadata().getName().equals(name))
				.findFirst();
		}

	}

}
