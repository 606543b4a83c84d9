package io.stevedore.apiserver.cache;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.selectors.FieldSelector;
import io.stevedore.machinery.selectors.LabelSelector;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watch cache against the real embedded store. */
class WatchCacheTest {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final ResourceType pods = ResourceRegistry.standard().find("", "v1", "pods").orElseThrow();

	@TempDir
	Path dir;

	private Store store;

	private WatchCache cache;

	@BeforeEach
	void start() {
		this.store = Stores.open(StoreConfig.embedded(this.dir));
	}

	@AfterEach
	void stop() {
		if (this.cache != null) {
			this.cache.close();
		}
		this.store.close();
	}

	private WatchCache cache(int history) {
		this.cache = new WatchCache(this.store, new ObjectAttributes(ResourceRegistry.standard(), new ObjectCodec()),
				history);
		this.cache.start();
		return this.cache;
	}

	private static byte[] pod(String name, String app, String node) {
		return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
				+ "\",\"namespace\":\"ns\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"" + node
				+ "\"}}")
			.getBytes(StandardCharsets.UTF_8);
	}

	private String key(String name) {
		return this.pods.key("ns", name);
	}

	private static List<String> names(List<CachedObject> objects) {
		return objects.stream().map(o -> o.name() + "@" + o.labels().get("app")).toList();
	}

	@Test
	void loadsWhatTheStoreHeldBeforeItStarted() {
		this.store.create(key("a"), pod("a", "web", "n1"));
		this.store.create(key("b"), pod("b", "db", "n1"));
		WatchCache cache = cache(100);
		assertThat(names(cache.list(this.pods.keyPrefix("ns"), cache.revision(), null))).containsExactly("a@web",
				"b@db");
	}

	/**
	 * The tree passed with an announced write differs from its bytes here on purpose, to
	 * show which one the cache read: the tree for exactly the announced bytes, the bytes
	 * for anything else.
	 */
	@Test
	void anAnnouncedWriteIsReadFromItsTreeOnlyWhenTheBytesAreThoseAnnounced() throws Exception {
		WatchCache cache = cache(100);
		ObjectMapper json = new ObjectMapper();
		cache.expectWrite(key("a"), pod("a", "web", "n1"), json.readTree(pod("a", "from-tree", "n2")));
		this.store.create(key("a"), pod("a", "web", "n1"));
		cache.expectWrite(key("b"), pod("b", "web", "n1"), json.readTree(pod("b", "from-tree", "n2")));
		this.store.create(key("b"), pod("b", "db", "n1"));
		cache.syncWithStore(WAIT);
		assertThat(names(cache.list(this.pods.keyPrefix("ns"), cache.revision(), null))).containsExactly("a@from-tree",
				"b@db");
		assertThat(cache.get(key("a")).fields()).containsEntry("spec.nodeName", "n2");

		// Taken once: a later change with the same bytes is parsed.
		this.store.update(key("a"), pod("a", "web", "n1"), this.store.get(key("a")).modRevision());
		cache.syncWithStore(WAIT);
		assertThat(cache.get(key("a")).labels()).containsEntry("app", "web");
	}

	@Test
	void writesThatNeverComeBackAreForgottenAtTheBound() throws Exception {
		RecentWrites writes = new RecentWrites();
		JsonNode tree = new ObjectMapper().readTree(pod("a", "web", "n1"));
		for (int i = 0; i <= RecentWrites.BOUND * 2; i++) {
			writes.expect(key("p" + i), pod("p" + i, "web", "n1"), tree);
			assertThat(writes.size()).isLessThanOrEqualTo(RecentWrites.BOUND);
		}
		assertThat(writes.take(key("p" + RecentWrites.BOUND * 2), pod("p" + RecentWrites.BOUND * 2, "web", "n1")))
			.isSameAs(tree);
		assertThat(writes.take(key("p" + RecentWrites.BOUND * 2), pod("p" + RecentWrites.BOUND * 2, "web", "n1")))
			.isNull();
	}

	@Test
	void listsTheStateAtAnOlderRevisionUndoingLaterChanges() {
		WatchCache cache = cache(100);
		this.store.create(key("a"), pod("a", "v1", "n1"));
		long afterCreates = this.store.create(key("b"), pod("b", "v1", "n1"));
		long aRevision = this.store.get(key("a")).modRevision();
		this.store.update(key("a"), pod("a", "v2", "n1"), aRevision);
		this.store.delete(key("b"), 0);
		this.store.create(key("c"), pod("c", "v1", "n1"));
		cache.syncWithStore(WAIT);

		assertThat(names(cache.list(this.pods.keyPrefix("ns"), afterCreates, null))).containsExactly("a@v1", "b@v1");
		assertThat(names(cache.list(this.pods.keyPrefix("ns"), cache.revision(), null))).containsExactly("a@v2",
				"c@v1");
		assertThat(names(cache.list(this.pods.keyPrefix("ns"), afterCreates, key("a")))).containsExactly("b@v1");
	}

	@Test
	void watchReplaysExactlyTheChangesAfterTheRevisionThenFollowsNewOnes() throws Exception {
		WatchCache cache = cache(100);
		long first = this.store.create(key("a"), pod("a", "web", "n1"));
		this.store.create(key("b"), pod("b", "web", "n1"));
		cache.syncWithStore(WAIT);
		Watcher watcher = cache.watch(this.pods, this.pods.keyPrefix("ns"), WatchFilter.everything(), first, 100);
		this.store.delete(key("a"), 0);

		List<String> seen = new ArrayList<>();
		long deadline = System.currentTimeMillis() + 5000;
		while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
			for (CachedEvent event : watcher.poll(200)) {
				seen.add(event.type() + " " + event.object().name());
			}
		}
		assertThat(seen).containsExactly("ADDED b", "DELETED a");
		watcher.close();
		assertThat(cache.watcherCount()).isZero();
	}

	@Test
	void anObjectLeavingTheSelectorIsDeletedForTheWatcherAndEnteringItIsAdded() throws Exception {
		WatchCache cache = cache(100);
		this.store.create(key("a"), pod("a", "web", "n1"));
		long start = cache.syncWithStore(WAIT);
		WatchFilter onNode1 = new WatchFilter("ns", LabelSelector.everything(),
				FieldSelector.parse("spec.nodeName=n1"));
		Watcher watcher = cache.watch(this.pods, this.pods.keyPrefix("ns"), onNode1, start, 100);
		long rev = this.store.update(key("a"), pod("a", "web", "n2"), 0);
		this.store.update(key("a"), pod("a", "web", "n1"), rev);
		this.store.create(key("z"), pod("z", "web", "n3"));

		List<String> seen = new ArrayList<>();
		long deadline = System.currentTimeMillis() + 5000;
		while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
			for (CachedEvent event : watcher.poll(200)) {
				seen.add(event.type() + " " + event.object().name() + " "
						+ event.object().fields().get("spec.nodeName"));
			}
		}
		assertThat(seen).containsExactly("DELETED a n2", "ADDED a n1");
		assertThat(watcher.poll(300)).isEmpty();
	}

	@Test
	void aRevisionOlderThanTheHistoryWindowIsGoneForWatchesAndExpiredForLists() {
		WatchCache cache = cache(3);
		long first = this.store.create(key("a"), pod("a", "web", "n1"));
		for (int i = 0; i < 5; i++) {
			this.store.update(key("a"), pod("a", "v" + i, "n1"), 0);
		}
		cache.syncWithStore(WAIT);
		assertThatThrownBy(() -> cache.watch(this.pods, this.pods.keyPrefix(), WatchFilter.everything(), first, 10))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(410));
		assertThatThrownBy(() -> cache.list(this.pods.keyPrefix(), first, null))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.reason()).isEqualTo("Expired"));
	}

	@Test
	void terminatingWatchersWakesAClientBlockedWaitingForEvents() throws Exception {
		WatchCache cache = cache(100);
		long start = cache.syncWithStore(WAIT);
		Watcher watcher = cache.watch(this.pods, this.pods.keyPrefix(), WatchFilter.everything(), start, 10);
		java.util.concurrent.CompletableFuture<List<CachedEvent>> polled = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> {
				try {
					return watcher.poll(60_000);
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
		Thread.sleep(200);
		cache.terminateWatchers();
		assertThat(polled.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
		assertThat(watcher.isTerminated()).isTrue();
		assertThat(cache.watcherCount()).isZero();
	}

	@Test
	void aWatcherThatFallsTooFarBehindIsTerminated() {
		WatchCache cache = cache(100);
		long start = cache.syncWithStore(WAIT);
		Watcher watcher = cache.watch(this.pods, this.pods.keyPrefix(), WatchFilter.everything(), start, 2);
		for (int i = 0; i < 3; i++) {
			this.store.create(key("p" + i), pod("p" + i, "web", "n1"));
		}
		cache.syncWithStore(WAIT);
		assertThat(watcher.isTerminated()).isTrue();
		watcher.close();
		assertThat(cache.watcherCount()).isZero();
	}

}
