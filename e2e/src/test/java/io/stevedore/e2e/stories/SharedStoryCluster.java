package io.stevedore.e2e.stories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code ./stevedore up --nodes 3} for every story class of the run that does not
 * need a cluster of its own: each {@code up} and {@code down} of a whole cluster is close
 * to a minute of CI on a loaded 2-core machine. A class gets it as a {@link StoryCluster}
 * parameter of its {@code @BeforeAll}; the first class to ask starts it, the end of the
 * run stops it (the store of the root context closes it).
 * <p>
 * A class sharing it works in a namespace of its own and deletes it when done. If the
 * cluster did not come up, every class that asks fails with that cause, so a failed up
 * shows in each class instead of only in the first.
 */
final class SharedStoryCluster implements AutoCloseable {

	/** The busybox tags the sharing classes roll to, made once for all. */
	static final String IMAGE_V2 = "stevedore-test/busybox:2";

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(SharedStoryCluster.class);

	private final Path temp;

	private final StoryCluster cluster;

	private final Throwable failure;

	private SharedStoryCluster() {
		try {
			this.temp = Files.createTempDirectory("stevedore-stories-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		StoryCluster started = null;
		Throwable failed = null;
		try {
			started = StoryCluster.up(this.temp, IMAGE_V2);
		}
		catch (RuntimeException | AssertionError ex) {
			failed = ex;
		}
		this.cluster = started;
		this.failure = failed;
	}

	private StoryCluster cluster() {
		if (this.failure != null) {
			throw new AssertionError("the shared story cluster did not come up", this.failure);
		}
		return this.cluster;
	}

	@Override
	public void close() throws IOException {
		try {
			if (this.cluster != null) {
				this.cluster.down();
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(this.temp)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	/** Resolves a {@link StoryCluster} parameter to the run's shared cluster. */
	static final class Extension implements ParameterResolver {

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == StoryCluster.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getRoot()
				.getStore(NAMESPACE)
				.computeIfAbsent(SharedStoryCluster.class, (key) -> new SharedStoryCluster(), SharedStoryCluster.class)
				.cluster();
		}

	}

}
