package io.stevedore.controller.certificates;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.rest.RestClient;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.ClientEventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The csr controllers of kube-controller-manager, {@code csrapproving},
 * {@code csrsigning} and {@code csrcleaner}, each on its own CertificateSigningRequest
 * informer. The signer needs the cluster CA
 * ({@code stevedore.controllers.cluster-signing-cert-file} and {@code -key-file},
 * Kubernetes' {@code --cluster-signing-*}) or a CA per signer ({@link SigningCas});
 * without any it signs nothing and says so. Contradicting files stop the service at
 * start, as they stop kube-controller-manager.
 */
@Configuration(proxyBeanMethods = false)
public class CsrControllers {

	private static final Logger log = LoggerFactory.getLogger(CsrControllers.class);

	/**
	 * Kubelet client requests as kube-controller-manager approves them and, unless
	 * {@code stevedore.controllers.kubelet-serving-approval=false}, kubelet serving
	 * requests by Stevedore's rule ({@link KubeletServingApproval}); Kubernetes leaves
	 * the latter to a cluster's own approver.
	 */
	@Bean
	ControllerFactory csrApproving(
			@Value("${stevedore.controllers.kubelet-serving-approval:true}") boolean servingApproval) {
		return factory("csrapproving", (context) -> {
			KubernetesClient client = context.client();
			CsrApprovingSync.Approver approver = (csr, reason, message) -> client.certificates()
				.v1()
				.certificateSigningRequests()
				.withName(csr.getMetadata().getName())
				.approve(new CertificateSigningRequestConditionBuilder().withType("Approved")
					.withStatus("True")
					.withReason(reason)
					.withMessage(message)
					.build());
			return (informer) -> {
				Function<String, CertificateSigningRequest> requests = (name) -> informer.getStore().getByKey(name);
				Reconciler clients = new CsrApprovingSync(requests,
						(csr, subresource) -> allowed(client, csr, subresource), approver);
				if (!servingApproval) {
					return clients;
				}
				Reconciler serving = new KubeletServingApprovingSync(requests,
						(node) -> client.nodes().withName(node).get(), approver,
						new ClientEventRecorder(client, "csrapproving", context.clock()), context.clock());
				return (key) -> {
					CertificateSigningRequest csr = requests.apply(key);
					boolean isServing = csr != null && csr.getSpec() != null
							&& KubeletServingApprovingSync.SIGNER.equals(csr.getSpec().getSignerName());
					return isServing ? serving.reconcile(key) : clients.reconcile(key);
				};
			};
		});
	}

	@Bean
	ControllerFactory csrSigning(Environment environment,
			@Value("${stevedore.controllers.cluster-signing-duration:8760h}") Duration duration) {
		List<String> problems = SigningCas.problems(environment::getProperty);
		if (!problems.isEmpty()) {
			throw new IllegalStateException("csrsigning: " + String.join("; ", problems));
		}
		return factory("csrsigning", (context) -> {
			SigningCas cas = SigningCas.fromProperties(environment::getProperty, duration);
			if (cas.isEmpty()) {
				log.warn("csrsigning: no stevedore.controllers.cluster-signing-cert-file/-key-file "
						+ "nor a per-signer CA: CertificateSigningRequests are not signed");
				return null;
			}
			KubernetesClient client = context.client();
			return (informer) -> new CsrSigningSync((name) -> informer.getStore().getByKey(name), cas,
					(csr) -> client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus(),
					context.clock());
		});
	}

	@Bean
	ControllerFactory csrCleaner() {
		return factory("csrcleaner", (context) -> {
			RestClient rest = context.rest();
			return (informer) -> new CsrCleanerSync((name) -> informer.getStore().getByKey(name),
					(csr) -> rest.deleteIfSame(
							"/apis/certificates.k8s.io/v1/certificatesigningrequests/" + csr.getMetadata().getName(),
							csr.getMetadata().getUid()),
					context.clock());
		});
	}

	/** A SubjectAccessReview for the requester the apiserver recorded in the request. */
	static boolean allowed(KubernetesClient client, CertificateSigningRequest csr, String subresource) {
		SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
			.withUser(csr.getSpec().getUsername())
			.withUid(csr.getSpec().getUid())
			.withGroups(csr.getSpec().getGroups())
			.withExtra(csr.getSpec().getExtra())
			.withNewResourceAttributes()
			.withGroup("certificates.k8s.io")
			.withResource("certificatesigningrequests")
			.withSubresource(subresource)
			.withVerb("create")
			.endResourceAttributes()
			.endSpec()
			.build();
		SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
		return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
	}

	/** What a controller builds once its informer exists; null when it cannot run. */
	private interface SyncFactory {

		Function<SharedIndexInformer<CertificateSigningRequest>, Reconciler> prepare(ControllerContext context);

	}

	private static ControllerFactory factory(String name, SyncFactory syncs) {
		return new ControllerFactory() {
			@Override
			public String name() {
				return name;
			}

			@Override
			public int defaultWorkers() {
				return 1;
			}

			@Override
			public RunningController start(ControllerContext context) {
				var prepared = syncs.prepare(context);
				if (prepared == null) {
					return () -> {
					};
				}
				WorkQueue<String> queue = context.newQueue();
				SharedIndexInformer<CertificateSigningRequest> informer = context.client()
					.certificates()
					.v1()
					.certificateSigningRequests()
					.runnableInformer(0);
				informer.addEventHandler(EnqueueingHandler.byKey(queue));
				informer.start();
				Controller controller = new Controller(name, queue, prepared.apply(informer), context.workers(),
						informer::hasSynced, context.clock());
				controller.start();
				return () -> {
					controller.stop();
					informer.stop();
				};
			}
		};
	}

}
