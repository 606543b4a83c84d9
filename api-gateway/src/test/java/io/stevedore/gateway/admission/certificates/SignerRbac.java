package io.stevedore.gateway.admission.certificates;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RbacLister;
import io.stevedore.gateway.rbac.DefaultRoles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The default ClusterRoles plus the bindings and roles a test adds, behind the real RBAC
 * authorizer; and CertificateSigningRequests with real PKCS#10 requests.
 */
final class SignerRbac implements RbacLister {

	private final List<ClusterRole> roles = new ArrayList<>(DefaultRoles.clusterRoles());

	private final List<ClusterRoleBinding> bindings = new ArrayList<>();

	final RbacAuthorizer authorizer = new RbacAuthorizer(this);

	/** Binds the (default or added) ClusterRole to the user. */
	SignerRbac bind(String user, String clusterRole) {
		this.bindings.add(new ClusterRoleBindingBuilder().withNewMetadata()
			.withName(user + "-" + clusterRole)
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
			.addNewSubject()
			.withApiGroup("rbac.authorization.k8s.io")
			.withKind("User")
			.withName(user)
			.endSubject()
			.build());
		return this;
	}

	/** Adds a ClusterRole of these rules and binds it to the user. */
	SignerRbac grant(String user, PolicyRule... rules) {
		String name = "granted-" + this.roles.size();
		this.roles
			.add(new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build());
		return bind(user, name);
	}

	static CertificateSigningRequest csr(String name, String signerName, String subject) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			var key = generator.generateKeyPair();
			var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
				.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
			StringWriter pem = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
				writer.writeObject(request);
			}
			return new CertificateSigningRequestBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withRequest(Base64.getEncoder().encodeToString(pem.toString().getBytes(StandardCharsets.US_ASCII)))
				.withSignerName(signerName)
				.withUsages("client auth")
				.endSpec()
				.withNewStatus()
				.endStatus()
				.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public List<ClusterRoleBinding> clusterRoleBindings() {
		return this.bindings;
	}

	@Override
	public List<RoleBinding> roleBindings(String namespace) {
		return List.of();
	}

	@Override
	public Optional<ClusterRole> clusterRole(String name) {
		return this.roles.stream().filter((role) -> role.getMetadata().getName().equals(name)).findFirst();
	}

	@Override
	public List<ClusterRole> clusterRoles() {
		return this.roles;
	}

	@Override
	public Optional<Role> role(String namespace, String name) {
		return Optional.empty();
	}

}
