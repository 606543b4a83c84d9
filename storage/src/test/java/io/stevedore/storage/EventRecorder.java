package io.stevedore.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/** A watch consumer that keeps every event, for assertions. */
public final class EventRecorder implements Consumer<List<Event>> {

	private final List<Event> events = new ArrayList<>();

	@Override
	public synchronized void accept(List<Event> batch) {
		this.events.addAll(batch);
	}

	public synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	public List<Long> revisions() {
		return events().stream().map(Event::revision).toList();
	}

	/** Waits until an event at or after {@code revision} arrived. */
	public EventRecorder awaitRevision(long revision) {
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> !events().isEmpty() && events().getLast().revision() >= revision);
		return this;
	}

}
