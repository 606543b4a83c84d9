package io.stevedore.storage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link Store} backend must have; one subclass per backend supplies
 * fresh stores and restarts them.
 */
public abstract class StoreContract {

	protected static final long HISTORY = 1_000;

	protected Store store;

	/** A new, empty store keeping {@code watchHistory} revisions of change log. */
	protected abstract Store newStore(long watchHistory);

	/** Stops {@code store} the backend's way and opens its data again. */
	protected abstract Store restart(Store store);

	@BeforeEach
	void openStore() {
		this.store = newStore(HISTORY);
	}

	@AfterEach
	void closeStore() {
		if (this.store != null) {
			this.store.close();
		}
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	protected static String text(KeyValue kv) {
		return new String(kv.value(), StandardCharsets.UTF_8);
	}

	// ---- revisions and compare-and-swap

	@Test
	void anEmptyStoreIsAtRevisionZero() {
		assertThat(this.store.currentRevision()).isZero();
		assertThat(this.store.compactedRevision()).isZero();
		assertThat(this.store.get("/registry/pods/default/web")).isNull();
	}

	@Test
	void everyWriteBumpsTheRevisionByExactlyOne() {
		long created = this.store.create("/a", bytes("1"));
		long updated = this.store.update("/a", bytes("2"), created);
		long other = this.store.create("/b", bytes("3"));
		long deleted = this.store.delete("/a", 0).modRevision();

		assertThat(List.of(created, updated, other, deleted)).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.store.currentRevision()).isEqualTo(4);
	}

	@Test
	void getReturnsTheValueWithItsCreateAndModRevisions() {
		long created = this.store.create("/registry/pods/default/web", bytes("v1"));
		long updated = this.store.update("/registry/pods/default/web", bytes("v2"), created);

		KeyValue kv = this.store.get("/registry/pods/default/web");

		assertThat(text(kv)).isEqualTo("v2");
		assertThat(kv.createRevision()).isEqualTo(created);
		assertThat(kv.modRevision()).isEqualTo(updated);
	}

	@Test
	void createOfAnExistingKeyFailsWithKeyExistsAndWritesNothing() {
		this.store.create("/a", bytes("1"));

		assertThatThrownBy(() -> this.store.create("/a", bytes("2"))).isInstanceOf(KeyExistsException.class)
			.hasMessageContaining("/a");
		assertThat(text(this.store.get("/a"))).isEqualTo("1");
		assertThat(this.store.currentRevision()).isEqualTo(1);
	}

	@Test
	void updateWithAStaleModRevisionFailsWithRevisionConflictAndWritesNothing() {
		long first = this.store.create("/a", bytes("1"));
		this.store.update("/a", bytes("2"), first);

		assertThatThrownBy(() -> this.store.update("/a", bytes("3"), first))
			.isInstanceOf(RevisionConflictException.class)
			.hasMessageContaining("/a");
		assertThat(text(this.store.get("/a"))).isEqualTo("2");
		assertThat(this.store.currentRevision()).isEqualTo(2);
	}

	@Test
	void updateExpectingRevisionZeroOverwritesWhateverIsThere() {
		this.store.create("/a", bytes("1"));
		this.store.update("/a", bytes("2"), 0);

		long revision = this.store.update("/a", bytes("3"), 0);

		assertThat(this.store.get("/a").modRevision()).isEqualTo(revision);
		assertThat(text(this.store.get("/a"))).isEqualTo("3");
	}

	@Test
	void updateOfAMissingKeyFailsWithKeyNotFound() {
		assertThatThrownBy(() -> this.store.update("/missing", bytes("x"), 0)).isInstanceOf(KeyNotFoundException.class)
			.hasMessageContaining("/missing");
	}

	@Test
	void deleteReturnsTheLastValueWithTheDeleteRevision() {
		long created = this.store.create("/a", bytes("1"));
		this.store.update("/a", bytes("last"), created);

		KeyValue deleted = this.store.delete("/a", 0);

		assertThat(text(deleted)).isEqualTo("last");
		assertThat(deleted.createRevision()).isEqualTo(created);
		assertThat(deleted.modRevision()).isEqualTo(3);
		assertThat(this.store.get("/a")).isNull();
	}

	@Test
	void deleteWithAStaleRevisionFailsAndOfAMissingKeyFailsWithNotFound() {
		long created = this.store.create("/a", bytes("1"));
		this.store.update("/a", bytes("2"), created);

		assertThatThrownBy(() -> this.store.delete("/a", created)).isInstanceOf(RevisionConflictException.class);
		assertThat(this.store.get("/a")).isNotNull();
		assertThatThrownBy(() -> this.store.delete("/missing", 0)).isInstanceOf(KeyNotFoundException.class);
	}

	@Test
	void aDeletedKeyCanBeCreatedAgainWithANewCreateRevision() {
		this.store.create("/a", bytes("1"));
		this.store.delete("/a", 0);

		long again = this.store.create("/a", bytes("2"));

		assertThat(this.store.get("/a").createRevision()).isEqualTo(again).isEqualTo(3);
	}

	@Test
	void theStoreKeepsItsOwnCopyOfAWrittenValue() {
		byte[] value = bytes("original");
		this.store.create("/a", value);
		value[0] = 'X';

		assertThat(text(this.store.get("/a"))).isEqualTo("original");
	}

	@Test
	void concurrentCompareAndSwapIncrementsLoseNoUpdate() throws Exception {
		this.store.create("/counter", bytes("0"));
		int threads = 8;
		int incrementsEach = 25;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<?>> done = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			done.add(pool.submit(() -> {
				for (int i = 0; i < incrementsEach; i++) {
					while (true) {
						KeyValue current = this.store.get("/counter");
						int next = Integer.parseInt(text(current)) + 1;
						try {
							this.store.update("/counter", bytes(Integer.toString(next)), current.modRevision());
							break;
						}
						catch (RevisionConflictException retry) {
							// another thread won this round
						}
					}
				}
			}));
		}
		for (Future<?> future : done) {
			future.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();

		assertThat(text(this.store.get("/counter"))).isEqualTo(Integer.toString(threads * incrementsEach));
		assertThat(this.store.currentRevision()).isEqualTo(1 + threads * incrementsEach);
	}

	// ---- listing

	@ParameterizedTest(name = "prefix {0} lists {1}")
	@CsvSource(delimiter = '|', textBlock = """
			/registry/pods/          | /registry/pods/default/a,/registry/pods/default/b,/registry/pods/kube-system/c
			/registry/pods/default/  | /registry/pods/default/a,/registry/pods/default/b
			/registry/podtemplates/  | /registry/podtemplates/default/t
			/registry/services/      | ''
			""")
	void listSelectsExactlyTheKeysUnderAPrefixInKeyOrder(String prefix, String expected) {
		for (String key : List.of("/registry/pods/kube-system/c", "/registry/pods/default/b",
				"/registry/podtemplates/default/t", "/registry/pods/default/a")) {
			this.store.create(key, bytes(key));
		}

		ListPage page = this.store.list(prefix, null, 0);

		List<String> keys = page.items().stream().map(KeyValue::key).toList();
		assertThat(String.join(",", keys)).isEqualTo(expected);
		assertThat(page.more()).isFalse();
		assertThat(page.revision()).isEqualTo(4);
	}

	@Test
	void listPagesByKeyWithStartAfterAndLimit() {
		for (int i = 0; i < 7; i++) {
			this.store.create("/registry/configmaps/ns/cm-" + i, bytes("v" + i));
		}
		this.store.create("/registry/configmapsx/other", bytes("not under the prefix"));

		List<String> seen = new ArrayList<>();
		String after = null;
		List<Boolean> more = new ArrayList<>();
		do {
			ListPage page = this.store.list("/registry/configmaps/", after, 3);
			page.items().forEach(kv -> seen.add(kv.key()));
			more.add(page.more());
			after = page.items().isEmpty() ? null : page.items().getLast().key();
			if (!page.more()) {
				break;
			}
		}
		while (true);

		assertThat(seen).containsExactly(
				LongStream.range(0, 7).mapToObj(i -> "/registry/configmaps/ns/cm-" + i).toArray(String[]::new));
		assertThat(more).containsExactly(true, true, false);
	}

	@Test
	void aListPageCarriesTheValuesAndRevisions() {
		long created = this.store.create("/p/a", bytes("a1"));
		long updated = this.store.update("/p/a", bytes("a2"), created);

		KeyValue item = this.store.list("/p/", null, 10).items().getFirst();

		assertThat(text(item)).isEqualTo("a2");
		assertThat(item.createRevision()).isEqualTo(created);
		assertThat(item.modRevision()).isEqualTo(updated);
	}

	// ---- watching

	@Test
	void watchFromAnOldRevisionDeliversExactlyTheLaterEventsInOrder() {
		for (int i = 1; i <= 10; i++) {
			this.store.create("/w/k" + i, bytes("v"));
		}
		EventRecorder recorder = new EventRecorder();

		try (Watch watch = this.store.watch("/w/", 4, recorder)) {
			for (int i = 11; i <= 13; i++) {
				this.store.create("/w/k" + i, bytes("v"));
			}
			recorder.awaitRevision(13);
		}

		assertThat(recorder.revisions()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
	}

	@Test
	void watchEventsCarryTypeValueAndPreviousRevision() {
		EventRecorder recorder = new EventRecorder();
		try (Watch watch = this.store.watch("/w/", 0, recorder)) {
			long created = this.store.create("/w/a", bytes("1"));
			long updated = this.store.update("/w/a", bytes("2"), created);
			this.store.delete("/w/a", updated);
			recorder.awaitRevision(3);
		}

		List<Event> events = recorder.events();
		assertThat(events).extracting(Event::type)
			.containsExactly(Event.Type.CREATE, Event.Type.UPDATE, Event.Type.DELETE);
		assertThat(events).extracting(Event::prevModRevision).containsExactly(0L, 1L, 2L);
		assertThat(events).extracting(event -> text(event.kv())).containsExactly("1", "2", "2");
		assertThat(events).extracting(event -> event.kv().createRevision()).containsExactly(1L, 1L, 1L);
	}

	@Test
	void watchDeliversOnlyKeysUnderItsPrefix() {
		EventRecorder recorder = new EventRecorder();
		try (Watch watch = this.store.watch("/registry/pods/", 0, recorder)) {
			this.store.create("/registry/pods/default/a", bytes("x"));
			this.store.create("/registry/podtemplates/default/t", bytes("x"));
			this.store.create("/registry/pods/default/b", bytes("x"));
			recorder.awaitRevision(3);
		}

		assertThat(recorder.events()).extracting(event -> event.kv().key())
			.containsExactly("/registry/pods/default/a", "/registry/pods/default/b");
	}

	@Test
	void aWatchStartedAmidConcurrentWritersSeesEveryRevisionOnceInOrder() throws Exception {
		int writers = 8;
		int writesEach = 60;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		CountDownLatch halfway = new CountDownLatch(writers);
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			int writer = w;
			done.add(pool.submit(() -> {
				for (int i = 0; i < writesEach; i++) {
					this.store.create("/c/" + writer + "/" + i, bytes("v"));
					if (i == writesEach / 2) {
						halfway.countDown();
					}
				}
			}));
		}
		halfway.await(60, TimeUnit.SECONDS);
		EventRecorder fromStart = new EventRecorder();
		EventRecorder fromNow = new EventRecorder();
		long now = this.store.currentRevision();
		try (Watch all = this.store.watch("/c/", 0, fromStart); Watch rest = this.store.watch("/", now, fromNow)) {
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
			long last = writers * writesEach;
			fromStart.awaitRevision(last);
			fromNow.awaitRevision(last);
		}
		pool.shutdown();

		long total = writers * writesEach;
		assertThat(fromStart.revisions()).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		assertThat(fromNow.revisions())
			.containsExactlyElementsOf(LongStream.rangeClosed(now + 1, total).boxed().toList());
	}

	@Test
	void aClosedWatchReceivesNoMoreEvents() throws Exception {
		EventRecorder recorder = new EventRecorder();
		Watch watch = this.store.watch("/", 0, recorder);
		this.store.create("/a", bytes("1"));
		recorder.awaitRevision(1);

		watch.close();
		this.store.create("/b", bytes("2"));
		EventRecorder control = new EventRecorder();
		try (Watch probe = this.store.watch("/", 1, control)) {
			control.awaitRevision(2);
		}

		assertThat(recorder.revisions()).containsExactly(1L);
	}

	// ---- compaction

	@Test
	void watchFromACompactedRevisionFailsWithCompacted() {
		for (int i = 0; i < 5; i++) {
			this.store.create("/k" + i, bytes("v"));
		}

		this.store.compact(3);

		assertThat(this.store.compactedRevision()).isEqualTo(3);
		assertThatThrownBy(() -> this.store.watch("/", 2, new EventRecorder())).isInstanceOf(CompactedException.class)
			.hasMessageContaining("2");
		EventRecorder recorder = new EventRecorder();
		try (Watch watch = this.store.watch("/", 3, recorder)) {
			recorder.awaitRevision(5);
		}
		assertThat(recorder.revisions()).containsExactly(4L, 5L);
	}

	@Test
	void compactionKeepsCurrentValuesReadable() {
		long created = this.store.create("/a", bytes("1"));
		this.store.update("/a", bytes("2"), created);

		this.store.compact(2);

		assertThat(text(this.store.get("/a"))).isEqualTo("2");
		assertThat(this.store.list("/", null, 0).items()).hasSize(1);
	}

	@Test
	void compactingToAFutureRevisionIsRejected() {
		this.store.create("/a", bytes("1"));

		assertThatThrownBy(() -> this.store.compact(5)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("5");
	}

	@Test
	void automaticCompactionKeepsAboutWatchHistoryRevisions() {
		this.store.close();
		this.store = newStore(10);
		for (int i = 0; i < 40; i++) {
			this.store.create("/k" + i, bytes("v"));
		}

		long compacted = this.store.compactedRevision();

		assertThat(compacted).isBetween(40L - 10 - 2, 40L - 10);
		assertThatThrownBy(() -> this.store.watch("/", 0, new EventRecorder())).isInstanceOf(CompactedException.class);
		EventRecorder recorder = new EventRecorder();
		try (Watch watch = this.store.watch("/", compacted, recorder)) {
			recorder.awaitRevision(40);
		}
		assertThat(recorder.revisions())
			.containsExactlyElementsOf(LongStream.rangeClosed(compacted + 1, 40).boxed().toList());
	}

	// ---- restart

	@Test
	void aRestartLosesNoAcknowledgedWriteAndContinuesTheRevision() {
		for (int i = 0; i < 20; i++) {
			this.store.create("/r/k" + i, bytes("v" + i));
		}
		this.store.update("/r/k0", bytes("updated"), 0);
		this.store.delete("/r/k1", 0);

		this.store = restart(this.store);

		assertThat(this.store.currentRevision()).isEqualTo(22);
		assertThat(text(this.store.get("/r/k0"))).isEqualTo("updated");
		assertThat(this.store.get("/r/k1")).isNull();
		assertThat(this.store.list("/r/", null, 0).items()).hasSize(19);
		assertThat(this.store.create("/r/after", bytes("x"))).isEqualTo(23);
	}

	@Test
	void aWatchAfterARestartResumesFromARevisionBeforeIt() {
		for (int i = 0; i < 5; i++) {
			this.store.create("/r/k" + i, bytes("v"));
		}
		this.store = restart(this.store);
		this.store.create("/r/k5", bytes("v"));

		EventRecorder recorder = new EventRecorder();
		try (Watch watch = this.store.watch("/r/", 3, recorder)) {
			recorder.awaitRevision(6);
		}

		assertThat(recorder.revisions()).containsExactly(4L, 5L, 6L);
	}

	protected static Duration elapsedSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos);
	}

}
