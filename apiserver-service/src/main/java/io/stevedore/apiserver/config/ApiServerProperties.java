package io.stevedore.apiserver.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The apiserver's settings, under {@code stevedore.*}.
 *
 * @param storage where state lives
 * @param apiserver API behaviour
 */
@ConfigurationProperties("stevedore")
public record ApiServerProperties(Storage storage, Apiserver apiserver) {

	public ApiServerProperties {
		storage = storage == null ? new Storage(null, null, null, true, 0) : storage;
		apiserver = apiserver == null ? new Apiserver(null, null, null, 0, 0, null, null) : apiserver;
	}

	/**
	 * @param url empty: the embedded store; {@code redis://host:port[/db]}: Redis
	 * @param embeddedDir the embedded store's directory
	 * @param keyPrefix Redis key namespace (several clusters may share one Redis)
	 * @param requireDurable refuse to start when writes cannot be made durable
	 * @param watchHistory revisions of change log kept for watches
	 */
	public record Storage(String url, String embeddedDir, String keyPrefix, boolean requireDurable, long watchHistory) {

		public Storage {
			embeddedDir = (embeddedDir == null || embeddedDir.isBlank())
					? System.getProperty("user.home") + "/.stevedore/apiserver-data" : embeddedDir;
			watchHistory = watchHistory <= 0 ? 100_000 : watchHistory;
		}

	}

	/**
	 * @param serviceCidr where ClusterIPs come from
	 * @param nodePortRange e.g. 30000-32767
	 * @param advertiseAddress host:port reported to clients in discovery
	 * @param watchCacheEvents how many changes the watch cache keeps for resuming watches
	 * @param watchQueueCapacity how far one watcher may fall behind before it is dropped
	 * @param consistentReadTimeout how long a consistent read waits for the cache
	 * @param admission where writes are admitted
	 */
	public record Apiserver(String serviceCidr, String nodePortRange, String advertiseAddress, int watchCacheEvents,
			int watchQueueCapacity, Duration consistentReadTimeout, Admission admission) {

		public Apiserver {
			serviceCidr = serviceCidr == null ? "10.96.0.0/12" : serviceCidr;
			nodePortRange = nodePortRange == null ? "30000-32767" : nodePortRange;
			advertiseAddress = advertiseAddress == null ? "127.0.0.1:8080" : advertiseAddress;
			watchCacheEvents = watchCacheEvents <= 0 ? 100_000 : watchCacheEvents;
			watchQueueCapacity = watchQueueCapacity <= 0 ? 100_000 : watchQueueCapacity;
			consistentReadTimeout = consistentReadTimeout == null ? Duration.ofSeconds(3) : consistentReadTimeout;
			admission = admission == null ? new Admission(null) : admission;
		}

	}

	/**
	 * @param url the gateway's admission endpoint (e.g. {@code http://127.0.0.1:6444});
	 * empty: every write is admitted unchanged
	 */
	public record Admission(String url) {

	}

}
