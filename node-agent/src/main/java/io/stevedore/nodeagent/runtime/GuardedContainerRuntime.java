package io.stevedore.nodeagent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container engine behind a circuit breaker, and reads behind a retry with back-off.
 * When the engine stops answering (dockerd stopped, its socket gone), every caller — the
 * PLEG's relist each second, 16 sync workers, probes, the status updater — would
 * otherwise try to connect again and again and log each failure. After
 * {@code minimumCalls} calls of which half found the engine unreachable the breaker
 * opens: calls fail at once with a {@link RuntimeUnreachableException} saying the runtime
 * is down, without touching the engine, so nothing spins and no thread waits on a socket.
 * After {@code openFor} the next call is let through as a probe (half-open); when it
 * succeeds the breaker closes and the agent is back on its own, with no restart.
 * <p>
 * Only {@link RuntimeUnreachableException} counts: an engine that answers "no such
 * container" or "port already allocated" is up. Reads (info, listings, inspect, stats)
 * are idempotent and retried with exponential back-off so a lone reset connection does
 * not make a pod look changed or the node not ready; writes are not retried here (a
 * create may have happened before the connection broke), the sync loop retries them with
 * its own back-off after inspecting what exists.
 * <p>
 * Threading: safe for concurrent use, as the runtime it wraps.
 */
public final class GuardedContainerRuntime implements ContainerRuntime, Closeable {

	private static final Logger log = LoggerFactory.getLogger(GuardedContainerRuntime.class);

	private final ContainerRuntime runtime;

	private final CircuitBreaker breaker;

	private final Retry retry;

	/** The kubelet's defaults are not configurable either; these suit a local engine. */
	public GuardedContainerRuntime(ContainerRuntime runtime) {
		this(runtime, 4, Duration.ofSeconds(5), 3, Duration.ofMillis(100));
	}

	/**
	 * @param minimumCalls calls in the window before the failure rate counts (also the
	 * window's size)
	 * @param openFor how long calls fail fast before one probe is let through
	 * @param attempts tries of a read, the first included
	 * @param firstBackOff wait before the second try, doubled for each further one
	 */
	public GuardedContainerRuntime(ContainerRuntime runtime, int minimumCalls, Duration openFor, int attempts,
			Duration firstBackOff) {
		this.runtime = runtime;
		this.breaker = CircuitBreaker.of("container-runtime",
				CircuitBreakerConfig.custom()
					.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
					.slidingWindowSize(minimumCalls)
					.minimumNumberOfCalls(minimumCalls)
					.failureRateThreshold(50)
					.waitDurationInOpenState(openFor)
					.permittedNumberOfCallsInHalfOpenState(1)
					.recordExceptions(RuntimeUnreachableException.class)
					.build());
		this.retry = Retry.of("container-runtime-reads",
				RetryConfig.custom()
					.maxAttempts(attempts)
					.intervalFunction(IntervalFunction.ofExponentialBackoff(firstBackOff, 2))
					// An open breaker is an answer already: retrying it would only wait.
					.retryOnException(ex -> ex instanceof RuntimeUnreachableException
							&& !(ex.getCause() instanceof CallNotPermittedException))
					.build());
		this.breaker.getEventPublisher()
			.onStateTransition(
					event -> log.warn("container runtime circuit {}", event.getStateTransition().getToState()));
	}

	/** CLOSED, OPEN or HALF_OPEN (for tests and diagnostics). */
	public CircuitBreaker.State state() {
		return this.breaker.getState();
	}

	private <T> T write(Supplier<T> call) {
		try {
			return this.breaker.executeSupplier(call);
		}
		catch (CallNotPermittedException ex) {
			throw down(ex);
		}
	}

	private void write(Runnable call) {
		write(() -> {
			call.run();
			return null;
		});
	}

	private <T> T read(Supplier<T> call) {
		return this.retry.executeSupplier(() -> write(call));
	}

	private RuntimeUnreachableException down(CallNotPermittedException ex) {
		// No "container runtime is down" prefix: the node's Ready condition adds it.
		return new RuntimeUnreachableException("the engine stopped answering; calls are suspended until a probe "
				+ "call succeeds (circuit breaker " + this.breaker.getState() + ")", ex);
	}

	@Override
	public RuntimeInfo info() {
		return read(this.runtime::info);
	}

	@Override
	public boolean imagePresent(String image) {
		return read(() -> this.runtime.imagePresent(image));
	}

	@Override
	public void pullImage(String image, RegistryAuth auth) throws ImagePullException {
		try {
			this.breaker.executeCheckedSupplier(() -> {
				this.runtime.pullImage(image, auth);
				return null;
			});
		}
		catch (CallNotPermittedException ex) {
			throw down(ex);
		}
		catch (ImagePullException | RuntimeException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public List<ImageSummary> listImages() {
		return read(this.runtime::listImages);
	}

	@Override
	public Set<String> imagesInUse() {
		return read(this.runtime::imagesInUse);
	}

	@Override
	public void removeImage(ImageSummary image) {
		write(() -> this.runtime.removeImage(image));
	}

	@Override
	public Optional<Path> dataRoot() {
		return read(this.runtime::dataRoot);
	}

	@Override
	public void ensureNetwork(String name) {
		write(() -> this.runtime.ensureNetwork(name));
	}

	@Override
	public String createSandbox(SandboxSpec spec) {
		return write(() -> this.runtime.createSandbox(spec));
	}

	@Override
	public Sandbox startSandbox(String id) {
		return write(() -> this.runtime.startSandbox(id));
	}

	@Override
	public String createContainer(ContainerSpec spec) {
		return write(() -> this.runtime.createContainer(spec));
	}

	@Override
	public void startContainer(String id) {
		write(() -> this.runtime.startContainer(id));
	}

	@Override
	public void stopContainer(String id, Duration grace) {
		write(() -> this.runtime.stopContainer(id, grace));
	}

	@Override
	public void removeContainer(String id) {
		write(() -> this.runtime.removeContainer(id));
	}

	@Override
	public Optional<ContainerDetails> inspectContainer(String id) {
		return read(() -> this.runtime.inspectContainer(id));
	}

	@Override
	public List<ContainerSummary> listContainers(Map<String, String> labels) {
		return read(() -> this.runtime.listContainers(labels));
	}

	@Override
	public ExecResult exec(String id, List<String> command, Duration timeout) {
		return write(() -> this.runtime.exec(id, command, timeout));
	}

	@Override
	public StreamSession execStream(String id, List<String> command, boolean stdin, boolean tty) {
		return write(() -> this.runtime.execStream(id, command, stdin, tty));
	}

	@Override
	public StreamSession attachStream(String id, boolean stdin, boolean tty) {
		return write(() -> this.runtime.attachStream(id, stdin, tty));
	}

	@Override
	public void logs(String id, LogOptions options, OutputStream out) {
		write(() -> this.runtime.logs(id, options, out));
	}

	@Override
	public ContainerStats stats(String id) {
		return read(() -> this.runtime.stats(id));
	}

	@Override
	public ContainerStats stats(String id, Map<String, String> podAnnotations, Instant at) {
		return read(() -> this.runtime.stats(id, podAnnotations, at));
	}

	@Override
	public long writableLayerBytes(String id) {
		return read(() -> this.runtime.writableLayerBytes(id));
	}

	@Override
	public Optional<Path> writableLayerDir(String id) {
		return read(() -> this.runtime.writableLayerDir(id));
	}

	@Override
	public long processes(String id) {
		return read(() -> this.runtime.processes(id));
	}

	@Override
	public boolean simulated() {
		return this.runtime.simulated();
	}

	@Override
	public void close() throws IOException {
		if (this.runtime instanceof Closeable closeable) {
			closeable.close();
		}
	}

}
