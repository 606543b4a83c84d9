package io.stevedore.nodeagent.gc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.stevedore.nodeagent.node.NodeEventSink;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's image garbage collection (pkg/kubelet/images/image_gc_manager). Each run
 * notes when every image was first seen and last used by a container (any container on
 * the engine, stopped ones and other nodes' too, since agents may share one engine), then
 * removes unused images older than the policy's maximum age, and, when the disk is past
 * the high threshold, the least recently used ones until it is back at the low threshold.
 * An image seen for less than the minimum age stays, and so does the pod sandbox image.
 * When not enough can go, a FreeDiskSpaceFailed event on the Node says so.
 * <p>
 * What it knows lives in memory, as in the kubelet: after a restart every image counts as
 * first seen then. Threading: one run at a time (a single scheduled task).
 */
public final class ImageGarbageCollector {

	private static final Logger log = LoggerFactory.getLogger(ImageGarbageCollector.class);

	private final ContainerRuntime runtime;

	private final ImageGcPolicy policy;

	private final DiskUsage disk;

	private final Predicate<ImageSummary> pinned;

	private final NodeEventSink events;

	private final Clock clock;

	private final Map<String, Record> records = new HashMap<>();

	/** Whether the last run failed: ImageGCFailed is for failures in a row. */
	private boolean failedBefore;

	/**
	 * @param pinned the images never removed (the sandbox image)
	 */
	public ImageGarbageCollector(ContainerRuntime runtime, ImageGcPolicy policy, DiskUsage disk,
			Predicate<ImageSummary> pinned, NodeEventSink events, Clock clock) {
		this.runtime = runtime;
		this.policy = policy;
		this.disk = disk;
		this.pinned = pinned;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * One run; failures of the engine are logged and the next run tries again. As the
	 * kubelet's StartGarbageCollection, a run that failed (the engine, or too little to
	 * free) right after another failed one is a Warning ImageGCFailed on the Node: a
	 * single failure may be the engine starting up.
	 */
	public void run() {
		String failure;
		try {
			failure = collect().failure();
		}
		catch (RuntimeException ex) {
			log.warn("image garbage collection failed error=\"{}\"", ex.getMessage());
			failure = String.valueOf(ex.getMessage());
		}
		if (failure != null && this.failedBefore) {
			this.events.record("Warning", "ImageGCFailed", failure);
		}
		this.failedBefore = failure != null;
	}

	/**
	 * Removes every unused image that may go (past the minimum age, not pinned), whatever
	 * the thresholds: what the eviction manager asks for once the disk is under pressure
	 * (the kubelet's DeleteUnusedImages).
	 */
	public void reclaimAll() {
		try {
			Instant now = this.clock.instant();
			long freed = freeSpace(detect(now), Long.MAX_VALUE, now, new ArrayList<>());
			log.info("reclaimed unused images freed={} bytes", freed);
		}
		catch (RuntimeException ex) {
			log.warn("image reclaim failed error=\"{}\"", ex.getMessage());
		}
	}

	/**
	 * @return what this run removed
	 */
	Outcome collect() {
		Instant now = this.clock.instant();
		List<ImageSummary> images = detect(now);
		List<ImageSummary> removed = new ArrayList<>();
		long freed = 0;
		if (!this.policy.maximumAge().isZero()) {
			for (ImageSummary image : images) {
				Record record = this.records.get(image.id());
				if (Duration.between(record.lastUsed, now).compareTo(this.policy.maximumAge()) > 0
						&& removable(image, now) && remove(image)) {
					removed.add(image);
					freed += image.sizeBytes();
				}
			}
			images.removeAll(removed);
		}
		if (this.policy.highThresholdPercent() >= 100) {
			return new Outcome(removed, freed, null);
		}
		DiskUsage.Usage usage = this.disk.usage();
		if (usage.percentUsed() < this.policy.highThresholdPercent()) {
			return new Outcome(removed, freed, null);
		}
		long toFree = usage.capacityBytes() * (100 - this.policy.lowThresholdPercent()) / 100 - usage.availableBytes();
		log.info("image file system {}% used, over the high threshold {}%: freeing {} bytes", usage.percentUsed(),
				this.policy.highThresholdPercent(), toFree);
		long freedForDisk = freeSpace(images, toFree, now, removed);
		String failure = null;
		if (freedForDisk < toFree) {
			failure = "Failed to garbage collect required amount of images. Attempted to free " + toFree
					+ " bytes, but only found " + freedForDisk + " bytes eligible to free.";
			this.events.record("Warning", "FreeDiskSpaceFailed", failure);
		}
		return new Outcome(removed, freed + freedForDisk, failure);
	}

	/**
	 * Removes the removable images, least recently used first (never used ones by when
	 * they were first seen), until {@code bytes} are freed (the kubelet's freeSpace).
	 * @return the bytes freed, by the images' sizes
	 */
	private long freeSpace(List<ImageSummary> images, long bytes, Instant now, List<ImageSummary> removed) {
		List<ImageSummary> candidates = new ArrayList<>(
				images.stream().filter(image -> removable(image, now)).toList());
		candidates.sort(Comparator.comparing((ImageSummary image) -> this.records.get(image.id()).lastUsed)
			.thenComparing(image -> this.records.get(image.id()).firstDetected));
		long freed = 0;
		for (ImageSummary image : candidates) {
			if (freed >= bytes) {
				break;
			}
			if (remove(image)) {
				removed.add(image);
				freed += image.sizeBytes();
			}
		}
		return freed;
	}

	/** Updates the records from the engine; returns its images. */
	private List<ImageSummary> detect(Instant now) {
		List<ImageSummary> images = new ArrayList<>(this.runtime.listImages());
		Set<String> inUse = this.runtime.imagesInUse();
		Map<String, Record> seen = new HashMap<>();
		for (ImageSummary image : images) {
			Record record = this.records.getOrDefault(image.id(), new Record(now));
			record.inUse = inUse.contains(image.id());
			if (record.inUse) {
				record.lastUsed = now;
			}
			seen.put(image.id(), record);
		}
		this.records.keySet().retainAll(seen.keySet());
		this.records.putAll(seen);
		return images;
	}

	/** Unused, seen for the minimum age, not pinned. */
	private boolean removable(ImageSummary image, Instant now) {
		Record record = this.records.get(image.id());
		return !record.inUse && Duration.between(record.firstDetected, now).compareTo(this.policy.minimumAge()) >= 0
				&& !this.pinned.test(image);
	}

	private boolean remove(ImageSummary image) {
		try {
			this.runtime.removeImage(image);
			this.records.remove(image.id());
			log.info("removed unused image id={} names={} size={}", image.id(), image.names(), image.sizeBytes());
			return true;
		}
		catch (RuntimeUnavailableException ex) {
			// A container was made from it since the listing: it is in use after all.
			log.info("image not removed id={} names={} error=\"{}\"", image.id(), image.names(), ex.getMessage());
			return false;
		}
	}

	/**
	 * What one run removed and the bytes that freed, by the images' sizes.
	 *
	 * @param failure why the run fell short of the low threshold, or null
	 */
	record Outcome(List<ImageSummary> removed, long freedBytes, String failure) {
	}

	private static final class Record {

		final Instant firstDetected;

		Instant lastUsed;

		boolean inUse;

		Record(Instant now) {
			this.firstDetected = now;
			// Never used: as old as its first sighting, for the maximum age.
			this.lastUsed = now;
		}

	}

}
