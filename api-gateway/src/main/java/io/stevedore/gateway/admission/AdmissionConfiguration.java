package io.stevedore.gateway.admission;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.gateway.admission.certificates.CertificateApproval;
import io.stevedore.gateway.admission.certificates.CertificateSigning;
import io.stevedore.gateway.admission.certificates.CertificateSubjectRestriction;
import io.stevedore.gateway.admission.limitranger.LimitRanger;
import io.stevedore.gateway.admission.noderestriction.NodeRestriction;
import io.stevedore.gateway.admission.priority.PriorityAdmission;
import io.stevedore.gateway.admission.rbac.RbacEscalation;
import io.stevedore.gateway.admission.resourcequota.ApiServerQuotaAccess;
import io.stevedore.gateway.admission.resourcequota.ResourceQuotaAdmission;
import io.stevedore.gateway.admission.serviceaccount.ServiceAccountAdmission;
import io.stevedore.gateway.admission.serviceaccount.ServiceAccountLookup;
import io.stevedore.gateway.admission.serviceaccount.TokenVolumeMounter;
import io.stevedore.gateway.admission.storageclass.DefaultStorageClass;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RbacLister;
import io.stevedore.gateway.config.GatewayProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The admission chain: every {@link AdmissionPlugin} bean, in {@code @Order}
 * ({@link AdmissionOrder}), and the loopback endpoint the apiservers call. To add a
 * plugin, declare it as a bean anywhere with its {@code @Order}; nothing here changes.
 * The plugins here read the cluster through informers of the gateway's own client.
 */
@Configuration(proxyBeanMethods = false)
public class AdmissionConfiguration {

	@Bean
	AdmissionChain admissionChain(ObjectProvider<AdmissionPlugin> plugins) {
		return new AdmissionChain(plugins.orderedStream().toList());
	}

	@Bean
	AdmissionReviewHandler admissionReviewHandler(AdmissionChain chain) {
		return new AdmissionReviewHandler(chain);
	}

	/** Served only when a port is set: the apiservers must be told the same URL. */
	@Bean
	@ConditionalOnExpression("${stevedore.gateway.admission.port:-1} >= 0")
	AdmissionServer admissionServer(AdmissionReviewHandler handler, GatewayProperties properties) {
		return new AdmissionServer(handler, properties.admission().address(), properties.admission().port());
	}

	@Bean
	InformerLister<LimitRange> limitRangeLister(KubernetesClient client) {
		return new InformerLister<>(() -> client.limitRanges().inAnyNamespace().runnableInformer(0));
	}

	@Bean
	InformerLister<ServiceAccount> serviceAccountLister(KubernetesClient client) {
		return new InformerLister<>(() -> client.serviceAccounts().inAnyNamespace().runnableInformer(0));
	}

	@Bean
	InformerLister<PriorityClass> priorityClassLister(KubernetesClient client) {
		return new InformerLister<>(() -> client.scheduling().v1().priorityClasses().runnableInformer(0));
	}

	@Bean
	InformerLister<StorageClass> storageClassLister(KubernetesClient client) {
		return new InformerLister<>(() -> client.storage().v1().storageClasses().runnableInformer(0));
	}

	/**
	 * Until the informer has listed once, a namespace's LimitRanges are asked for
	 * directly, so a gateway just started does not admit pods without their limits.
	 */
	@Bean
	@Order(AdmissionOrder.LIMIT_RANGER)
	LimitRanger limitRanger(InformerLister<LimitRange> limitRanges, KubernetesClient client) {
		return new LimitRanger((namespace) -> limitRanges.hasSynced() ? limitRanges.list(namespace)
				: client.limitRanges().inNamespace(namespace).list().getItems());
	}

	/**
	 * Kubernetes mounts the token into every pod; here it is opt-in
	 * ({@code stevedore.gateway.admission.service-account-token-volume=true}) until the
	 * node agents of {@code ./stevedore up} reach the TokenRequest API, which only the
	 * gateway serves: they talk to the apiserver directly, and a pod whose token cannot
	 * be fetched never starts.
	 */
	@Bean
	TokenVolumeMounter tokenVolumeMounter(org.springframework.core.env.Environment environment) {
		if (!environment.getProperty("stevedore.gateway.admission.service-account-token-volume", Boolean.class,
				false)) {
			return TokenVolumeMounter.NONE;
		}
		// SecureRandom is thread-safe; the names need not be unguessable, only unique.
		return new io.stevedore.gateway.admission.serviceaccount.KubeApiAccessVolume(new java.security.SecureRandom());
	}

	@Bean
	@Order(AdmissionOrder.SERVICE_ACCOUNT)
	ServiceAccountAdmission serviceAccountAdmission(InformerLister<ServiceAccount> accounts, KubernetesClient client,
			TokenVolumeMounter tokens) {
		return new ServiceAccountAdmission(serviceAccountLookup(accounts, client), tokens);
	}

	/**
	 * Kubernetes' getServiceAccount: the cache, else the apiserver; for the
	 * {@code default} account (its controller may be about to create it in a new
	 * namespace) for about three seconds, twice Kubernetes' window because our
	 * controllers share a small machine; once for any other.
	 */
	static ServiceAccountLookup serviceAccountLookup(InformerLister<ServiceAccount> accounts, KubernetesClient client) {
		return (namespace, name) -> {
			Optional<ServiceAccount> cached = accounts.get(namespace, name);
			if (cached.isPresent()) {
				return cached;
			}
			int attempts = ServiceAccountAdmission.DEFAULT_ACCOUNT.equals(name) ? 20 : 1;
			Duration pause = Duration.ofMillis(100 + ThreadLocalRandom.current().nextInt(100));
			for (int attempt = 0; attempt < attempts; attempt++) {
				if (attempt > 0) {
					sleep(pause);
				}
				ServiceAccount live = client.serviceAccounts().inNamespace(namespace).withName(name).get();
				if (live != null) {
					return Optional.of(live);
				}
			}
			return Optional.empty();
		};
	}

	@Bean
	@Order(AdmissionOrder.NODE_RESTRICTION)
	NodeRestriction nodeRestriction(KubernetesClient client) {
		return new NodeRestriction((namespace, name) -> client.pods().inNamespace(namespace).withName(name).get());
	}

	@Bean
	@Order(AdmissionOrder.PRIORITY)
	PriorityAdmission priorityAdmission(InformerLister<PriorityClass> classes, KubernetesClient client) {
		return new PriorityAdmission(() -> classes.hasSynced() ? classes.list()
				: client.scheduling().v1().priorityClasses().list().getItems());
	}

	@Bean
	@Order(AdmissionOrder.DEFAULT_STORAGE_CLASS)
	DefaultStorageClass defaultStorageClass(InformerLister<StorageClass> classes, KubernetesClient client) {
		return new DefaultStorageClass(
				() -> classes.hasSynced() ? classes.list() : client.storage().v1().storageClasses().list().getItems());
	}

	@Bean
	@Order(AdmissionOrder.CERTIFICATE_APPROVAL)
	CertificateApproval certificateApproval(RbacAuthorizer authorizer) {
		return new CertificateApproval(authorizer);
	}

	@Bean
	@Order(AdmissionOrder.CERTIFICATE_SIGNING)
	CertificateSigning certificateSigning(RbacAuthorizer authorizer) {
		return new CertificateSigning(authorizer);
	}

	@Bean
	@Order(AdmissionOrder.CERTIFICATE_SUBJECT_RESTRICTION)
	CertificateSubjectRestriction certificateSubjectRestriction() {
		return new CertificateSubjectRestriction();
	}

	@Bean
	InformerLister<ResourceQuota> resourceQuotaLister(KubernetesClient client) {
		return new InformerLister<>(() -> client.resourceQuotas().inAnyNamespace().runnableInformer(0));
	}

	@Bean
	@Order(AdmissionOrder.RESOURCE_QUOTA)
	ResourceQuotaAdmission resourceQuotaAdmission(InformerLister<ResourceQuota> quotas, KubernetesClient client) {
		return new ResourceQuotaAdmission(new ApiServerQuotaAccess(quotas, client), Clock.systemUTC());
	}

	@Bean
	@Order(AdmissionOrder.RBAC_ESCALATION)
	RbacEscalation rbacEscalation(RbacAuthorizer authorizer, RbacLister lister) {
		return new RbacEscalation(authorizer, lister);
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted looking up a service account", ex);
		}
	}

}
