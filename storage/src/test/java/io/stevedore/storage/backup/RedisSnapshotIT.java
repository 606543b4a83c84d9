package io.stevedore.storage.backup;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;
import io.stevedore.testsupport.redis.RedisServerProcess;

/** Backup and restore on a real redis-server. */
class RedisSnapshotIT extends SnapshotContract {

	private static final AtomicInteger namespaces = new AtomicInteger();

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.launch();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	protected Store newStore() {
		return Stores.open(StoreConfig.redis(redis.url())
			.withKeyPrefix("backup" + namespaces.incrementAndGet())
			.withWatchHistory(100_000));
	}

}
