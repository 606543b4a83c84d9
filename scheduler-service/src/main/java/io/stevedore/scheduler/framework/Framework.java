package io.stevedore.scheduler.framework;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One profile's plugins, sorted by extension point, and the rules for running them:
 * Kubernetes' {@code frameworkImpl}. Built once per profile from the registry and the
 * profile's list of enabled plugins (in order) and score weights.
 * <p>
 * Threading: the scheduling-cycle methods run on the scheduling thread; {@link #runBind}
 * runs on a binding thread. Plugins are shared by both, so they keep no per-pod state
 * outside the CycleState.
 */
public final class Framework {

	private static final Logger log = LoggerFactory.getLogger(Framework.class);

	private static final CycleState.Key<SkippedPlugins> SKIPPED = CycleState.Key.of("framework/skipped",
			SkippedPlugins.class);

	private static final CycleState.Key<ActiveFilters> ACTIVE_FILTERS = CycleState.Key.of("framework/filters",
			ActiveFilters.class);

	private final String profileName;

	private final List<PreFilterPlugin> preFilters = new ArrayList<>();

	private final List<FilterPlugin> filters = new ArrayList<>();

	/** {@link #filters} as an array, built once the profile is complete. */
	private final FilterPlugin[] filterArray;

	private final List<PostFilterPlugin> postFilters = new ArrayList<>();

	private final List<PreScorePlugin> preScores = new ArrayList<>();

	private final List<ScorePlugin> scores = new ArrayList<>();

	private final List<Integer> weights = new ArrayList<>();

	private final List<ReservePlugin> reserves = new ArrayList<>();

	private final List<BindPlugin> binds = new ArrayList<>();

	private final List<Plugin> all = new ArrayList<>();

	/**
	 * @param plugins enabled plugin name to score weight (ignored for plugins that do not
	 * score), in the order they run
	 */
	public Framework(String profileName, Registry registry, Map<String, Integer> plugins, Handle handle,
			Map<String, Map<String, String>> pluginArgs) {
		this.profileName = profileName;
		plugins.forEach((name, weight) -> {
			Handle pluginHandle = new Handle(handle.client(), handle.clock(), pluginArgs.getOrDefault(name, Map.of()));
			Plugin plugin = registry.factory(name).create(pluginHandle);
			add(plugin, weight == null ? 1 : weight);
		});
		if (this.binds.isEmpty()) {
			throw new IllegalArgumentException("profile " + profileName + ": at least one bind plugin is required");
		}
		this.filterArray = this.filters.toArray(FilterPlugin[]::new);
	}

	private void add(Plugin plugin, int weight) {
		this.all.add(plugin);
		if (plugin instanceof PreFilterPlugin p) {
			this.preFilters.add(p);
		}
		if (plugin instanceof FilterPlugin p) {
			this.filters.add(p);
		}
		if (plugin instanceof PostFilterPlugin p) {
			this.postFilters.add(p);
		}
		if (plugin instanceof PreScorePlugin p) {
			this.preScores.add(p);
		}
		if (plugin instanceof ScorePlugin p) {
			if (weight <= 0) {
				throw new IllegalArgumentException("profile " + this.profileName + ": score plugin " + plugin.name()
						+ " needs a positive weight, got " + weight);
			}
			this.scores.add(p);
			this.weights.add(weight);
		}
		if (plugin instanceof ReservePlugin p) {
			this.reserves.add(p);
		}
		if (plugin instanceof BindPlugin p) {
			this.binds.add(p);
		}
	}

	/**
	 * Closes every plugin (their lazily started informers), when the scheduler using this
	 * profile stops; one plugin failing to close does not keep the others open.
	 */
	public void close() {
		for (Plugin plugin : this.all) {
			try {
				plugin.close();
			}
			catch (RuntimeException ex) {
				log.warn("plugin did not close profile={} plugin={} error=\"{}\"", this.profileName, plugin.name(),
						ex.toString());
			}
		}
	}

	public String profileName() {
		return this.profileName;
	}

	public boolean hasPostFilter() {
		return !this.postFilters.isEmpty();
	}

	/** Stops at the first rejection, which then applies to every node. */
	public Status runPreFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
		SkippedPlugins skipped = new SkippedPlugins(new HashSet<>());
		state.write(SKIPPED, skipped);
		for (PreFilterPlugin plugin : this.preFilters) {
			Status status = plugin.preFilter(state, pod, snapshot);
			if (status.isSkip()) {
				skipped.names().add(plugin.name());
			}
			else if (!status.isSuccess()) {
				return status.withPlugin(plugin.name());
			}
		}
		state.write(ACTIVE_FILTERS, new ActiveFilters(activeFilters(skipped)));
		return Status.success();
	}

	/**
	 * The filters this pod's cycle runs, decided once after PreFilter: Filter runs on
	 * hundreds of nodes per pod, and a skipped-name lookup per plugin per node is work
	 * the answer does not change.
	 */
	private FilterPlugin[] activeFilters(SkippedPlugins skipped) {
		if (skipped.names().isEmpty()) {
			return this.filterArray;
		}
		return this.filters.stream()
			.filter((plugin) -> !skipped.names().contains(plugin.name()))
			.toArray(FilterPlugin[]::new);
	}

	/** The first filter that rejects the node decides, as in Kubernetes. */
	public Status runFilter(CycleState state, PodInfo pod, NodeInfo node) {
		ActiveFilters active = state.read(ACTIVE_FILTERS);
		// Without PreFilter (a caller testing one node) every filter runs.
		FilterPlugin[] filters = (active != null) ? active.plugins() : this.filterArray;
		for (FilterPlugin plugin : filters) {
			Status status = plugin.filter(state, pod, node);
			if (!status.isSuccess()) {
				return status.withPlugin(plugin.name());
			}
		}
		return Status.success();
	}

	public PostFilterPlugin.PostFilterResult runPostFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot,
			Map<String, Status> rejections) {
		PostFilterPlugin.PostFilterResult last = new PostFilterPlugin.PostFilterResult(null,
				Status.unschedulable("no PostFilter plugin"));
		for (PostFilterPlugin plugin : this.postFilters) {
			last = plugin.postFilter(state, pod, snapshot, rejections, this::runFilter);
			if (last.status().isSuccess()) {
				return last;
			}
		}
		return last;
	}

	public Status runPreScore(CycleState state, PodInfo pod, List<NodeInfo> nodes, NodeSnapshot snapshot) {
		for (PreScorePlugin plugin : this.preScores) {
			Status status = plugin.preScore(state, pod, nodes, snapshot);
			if (status.isSkip()) {
				state.read(SKIPPED).names().add(plugin.name());
			}
			else if (!status.isSuccess()) {
				return status.withPlugin(plugin.name());
			}
		}
		return Status.success();
	}

	/**
	 * Each score plugin's scores, normalized to 0..100 and multiplied by its weight,
	 * summed per node.
	 */
	public long[] runScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
		long[] total = new long[nodes.size()];
		SkippedPlugins skipped = state.read(SKIPPED);
		long[] scores = new long[nodes.size()];
		for (int p = 0; p < this.scores.size(); p++) {
			ScorePlugin plugin = this.scores.get(p);
			if (skipped != null && skipped.names().contains(plugin.name())) {
				continue;
			}
			for (int i = 0; i < nodes.size(); i++) {
				scores[i] = plugin.score(state, pod, nodes.get(i));
			}
			plugin.normalizeScore(state, pod, nodes, scores);
			int weight = this.weights.get(p);
			for (int i = 0; i < nodes.size(); i++) {
				total[i] += Math.max(0, Math.min(ScorePlugin.MAX_NODE_SCORE, scores[i])) * weight;
			}
		}
		return total;
	}

	public boolean hasScorePlugins() {
		return !this.scores.isEmpty();
	}

	public Status runReserve(CycleState state, PodInfo pod, String nodeName) {
		for (ReservePlugin plugin : this.reserves) {
			Status status = plugin.reserve(state, pod, nodeName);
			if (!status.isSuccess()) {
				return status.withPlugin(plugin.name());
			}
		}
		return Status.success();
	}

	/** In reverse order of reserve, as Kubernetes does. */
	public void runUnreserve(CycleState state, PodInfo pod, String nodeName) {
		for (int i = this.reserves.size() - 1; i >= 0; i--) {
			this.reserves.get(i).unreserve(state, pod, nodeName);
		}
	}

	/** The first bind plugin that does not skip writes the placement. */
	public Status runBind(CycleState state, PodInfo pod, String nodeName) {
		for (BindPlugin plugin : this.binds) {
			Status status = plugin.bind(state, pod, nodeName);
			if (!status.isSkip()) {
				return status.withPlugin(plugin.name());
			}
		}
		return Status.error("no bind plugin bound the pod");
	}

	private record SkippedPlugins(Set<String> names) {
	}

	private record ActiveFilters(FilterPlugin[] plugins) {
	}

}
