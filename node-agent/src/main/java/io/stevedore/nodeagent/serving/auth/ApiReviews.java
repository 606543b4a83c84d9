package io.stevedore.nodeagent.serving.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * TokenReviews and SubjectAccessReviews asked of the API with the agent's own identity
 * ({@code system:node:<name>}, whose system:node role may create both, as the kubelet's
 * kubeconfig identity does). Each waits at most {@code timeout}: the caller's request
 * thread is held meanwhile.
 */
public final class ApiReviews implements TokenReviews, AccessReviews, AutoCloseable {

	private final KubernetesClient client;

	private final Duration timeout;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	public ApiReviews(KubernetesClient client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
	}

	@Override
	public Optional<KubeletUser> review(String token) throws ReviewException {
		TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
		TokenReview answer = call("TokenReview", () -> this.client.authentication().v1().tokenReviews().create(review));
		TokenReviewStatus status = answer.getStatus();
		if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
			return Optional.empty();
		}
		UserInfo user = status.getUser();
		return Optional.of(new KubeletUser(user.getUsername(), user.getUid(), user.getGroups(),
				user.getExtra() == null ? Map.of() : user.getExtra()));
	}

	@Override
	public boolean allowed(RequestAttributes attributes) throws ReviewException {
		KubeletUser user = attributes.user();
		SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
			.withUser(user.name())
			.withUid(user.uid().isEmpty() ? null : user.uid())
			.withGroups(List.copyOf(user.groups()))
			.withExtra(user.extra().isEmpty() ? null : Map.copyOf(user.extra()))
			.withNewResourceAttributes()
			.withVerb(attributes.verb())
			.withGroup("")
			.withVersion("v1")
			.withResource("nodes")
			.withSubresource(attributes.subresource())
			.withName(attributes.node())
			.endResourceAttributes()
			.endSpec()
			.build();
		SubjectAccessReview answer = call("SubjectAccessReview",
				() -> this.client.authorization().v1().subjectAccessReview().create(review));
		return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed())
				&& !Boolean.TRUE.equals(answer.getStatus().getDenied());
	}

	private <T> T call(String kind, Callable<T> call) throws ReviewException {
		Future<T> future = this.executor.submit(call);
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new ReviewException(kind + ": no answer within " + this.timeout, ex);
		}
		catch (ExecutionException ex) {
			throw new ReviewException(kind + ": " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new ReviewException(kind + ": interrupted", ex);
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
